import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanupAzureLeftovers } from "../../provider/builders/azure-arm/cleanup";
import { BuildFailedError } from "../../provider/engine/build";
import { build, destroyArtifact } from "../../provider/kiln";
import { AZURE_TEST_IDS, nothingLeft, SEEDED } from "../fixtures/azure-arm";
import { azureConfig, azureSpec, buildLeftBehind, leftoverTotal, useAzureEnv } from "./harness";

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
    expect(left).toEqual({ ...nothingLeft(), images: ["kiln-test-image"] });
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
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });
});

describe("azure-arm: config, auth, sources and outputs", () => {
  it("rejects unknown and conflicting fields, naming them, before any Azure call", async () => {
    const e = env();
    const unknown = await build(azureSpec(e, { config: { image_name: "x" } })).catch((x) => x);
    expect(String(unknown.message)).toMatch(/image_name/);
    const conflicting = await build(
      azureSpec(e, { config: { build_resource_group_name: "images", managed_image_name: undefined } }),
    ).catch((x) => x);
    expect(String(conflicting.message)).toMatch(/build_resource_group_name: cannot be set together with location/);
    expect(String(conflicting.message)).toMatch(/managed_image_name: is required/);
    expect(e.arm.calls).toEqual([]);
  });

  it("a wrong client secret fails the authenticate step and creates nothing", async () => {
    const e = env();
    const error = await build(azureSpec(e, { config: { client_secret: "wrong" } })).catch((x) => x);
    expect(String(error.message)).toMatch(/AADSTS7000215|invalid_client/);
    expect(e.arm.calls.filter((c) => c.method === "PUT")).toEqual([]);
    expect(String(error.message)).not.toContain("wrong");
  });

  it("authenticates with a service principal certificate (client_cert_path)", async () => {
    const e = env();
    const pem = join(e.work, "sp.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        pem,
        "-out",
        `${pem}.crt`,
        "-days",
        "1",
        "-subj",
        "/CN=kiln-sp",
      ],
      { stdio: "ignore" },
    );
    appendFileSync(pem, readFileSync(`${pem}.crt`));
    const result = await build(azureSpec(e, { config: { client_secret: undefined, client_cert_path: pem } }));
    expect(result.artifacts[0]?.id).toBe(IMAGE_ID);
    const token = e.arm.calls.find((c) => c.op === "POST token");
    expect(token).toBeDefined();
  });

  it("waits out 429 Retry-After and still builds", async () => {
    const e = env();
    let throttled = 0;
    e.arm.onCall((call) => {
      if (call.op === "PUT virtualMachines" && throttled < 1) {
        throttled++;
        return { kind: "throttle", retryAfterSeconds: 1 };
      }
      return undefined;
    });
    const result = await build(azureSpec(e));
    expect(result.artifacts[0]?.id).toBe(IMAGE_ID);
    expect(e.arm.calls.filter((c) => c.op === "PUT virtualMachines")).toHaveLength(2);
    expect(leftoverTotal(e.arm.leftovers())).toBe(1);
  });

  it("builds in an existing group and subnet, deleting each temporary resource itself", async () => {
    const e = env();
    const result = await build(
      azureSpec(e, {
        config: {
          location: undefined,
          build_resource_group_name: SEEDED.networkGroup,
          virtual_network_name: SEEDED.vnet,
          virtual_network_subnet_name: SEEDED.subnet,
          virtual_network_resource_group_name: SEEDED.networkGroup,
        },
      }),
    );
    expect(result.artifacts[0]?.id).toBe(IMAGE_ID);
    // No public IP on an existing network unless asked; no VNet made; the VM, NIC and disk are gone.
    expect(e.arm.calls.some((c) => c.op === "PUT publicIPAddresses" || c.op === "PUT virtualNetworks")).toBe(false);
    expect(e.arm.calls.some((c) => c.op === "DELETE resourceGroups")).toBe(false);
    expect(leftoverTotal(e.arm.leftovers())).toBe(1);
  });

  it("starts from its own managed image, publishes a gallery version to two regions, and reuses it by fingerprint", async () => {
    const e = env();
    const first = await build(azureSpec(e));
    const gallery = {
      resource_group: SEEDED.imagesGroup,
      gallery_name: SEEDED.gallery,
      image_name: SEEDED.galleryImage,
      image_version: "1.2.3",
      replication_regions: ["West Europe"],
    };
    const config = {
      image_publisher: undefined,
      image_offer: undefined,
      image_sku: undefined,
      custom_managed_image_name: "kiln-test-image",
      custom_managed_image_resource_group_name: "images",
      managed_image_name: undefined,
      managed_image_resource_group_name: undefined,
      shared_image_gallery_destination: gallery,
    };
    const second = await build(azureSpec(e, { config }));
    const artifact = second.artifacts[0];
    const versionId = `/subscriptions/${AZURE_TEST_IDS.subscriptionId}/resourceGroups/images/providers/Microsoft.Compute/galleries/${SEEDED.gallery}/images/${SEEDED.galleryImage}/versions/1.2.3`;
    expect(artifact?.id).toBe(versionId);
    expect(artifact?.details.regions).toEqual({ eastus: [versionId], westeurope: [versionId] });
    const version = e.arm.resource(versionId);
    // Without a managed image output, the version is published straight from the VM.
    expect(JSON.stringify(version?.properties.storageProfile)).toMatch(/\/virtualMachines\//);

    const puts = e.arm.calls.filter((c) => c.method === "PUT").length;
    const again = await build(azureSpec(e, { config }));
    expect(again.builds[0]?.reused).toBe(true);
    expect(again.artifacts[0]?.id).toBe(versionId);
    expect(e.arm.calls.filter((c) => c.method === "PUT")).toHaveLength(puts);
    for (const a of [...second.artifacts, ...first.artifacts]) await destroyArtifact(a);
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });

  it("kiln cleanup by build ID removes what a build left with on-error=abort", async () => {
    const e = env();
    const buildId = await buildLeftBehind(e);
    const before = e.arm.leftovers();
    expect(before.virtualMachines).toHaveLength(1);
    expect(before.networkInterfaces).toHaveLength(1);
    const report = await cleanupAzureLeftovers({
      buildId,
      config: azureConfig(e),
      signal: new AbortController().signal,
    });
    expect(report.virtualMachines).toHaveLength(1);
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
    // Repeatable: nothing left to do.
    const again = await cleanupAzureLeftovers({
      buildId,
      config: azureConfig(e),
      signal: new AbortController().signal,
    });
    expect(Object.values(again).flat()).toEqual([]);
  });
});
