import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BuildFailedError, build } from "../../provider/engine/build";
import { destroyArtifact } from "../../provider/engine/destroy";
import { AZURE_TEST_IDS } from "../fixtures/azure-arm";
import { azureConfig, azureSpec, leftoverTotal, useAzureEnv } from "./harness";

const env = useAzureEnv();
const IMAGE_ID = `/subscriptions/${AZURE_TEST_IDS.subscriptionId}/resourceGroups/images/providers/Microsoft.Compute/images/kiln-test-image`;

describe("azure-arm against the ARM double", () => {
  it("bakes a managed image: provisions over SSH, leaves only the image, tagged; destroy removes it", async () => {
    const e = env();
    const marker = join(e.work, "provisioned");
    const result = await build(
      azureSpec(e, { provisioners: [{ type: "shell", config: { inline: [`echo ok > ${marker}`] } }] }),
    );
    const [artifact] = result.artifacts;
    expect(artifact?.id).toBe(IMAGE_ID);
    expect(readFileSync(marker, "utf8").trim()).toBe("ok");
    const left = e.arm.leftovers();
    expect(left).toMatchObject({
      resourceGroups: [],
      virtualMachines: [],
      networkInterfaces: [],
      publicIPAddresses: [],
      virtualNetworks: [],
      disks: [],
      galleryImageVersions: [],
    });
    expect(left.images).toEqual(["kiln-test-image"]);
    const image = e.arm.resource(IMAGE_ID);
    expect(image?.tags).toMatchObject({ team: "platform", "kiln:fingerprint": result.builds[0]?.fingerprint });
    expect(image?.tags["kiln:build-id"]).toMatch(/^kiln-/);
    await destroyArtifact(artifact as never, { config: azureConfig(e) });
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("a failing provisioner leaves nothing", async () => {
    const e = env();
    const error = await build(
      azureSpec(e, { provisioners: [{ type: "shell", config: { inline: ["exit 3"] } }] }),
    ).catch((x) => x);
    expect(error).toBeInstanceOf(BuildFailedError);
    expect(String(error.message)).toMatch(/provisioner shell.*exited with status 3/s);
    expect(e.arm.leftovers()).toMatchObject({ resourceGroups: [], images: [], virtualMachines: [], disks: [] });
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });
});
