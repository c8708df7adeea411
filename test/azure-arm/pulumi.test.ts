import { describe, expect, it } from "vitest";
import type { BakedImageOutputs } from "../../provider/pulumi/inputs";
import { providerInputs } from "../../provider/pulumi/program";
import { bakedImageProvider as provider } from "../../provider/pulumi/provider";
import { AZURE_TEST_IDS, nothingLeft } from "../fixtures/azure-arm";
import { captureConsole } from "../pulumi/harness";
import { type AzureEnv, leftoverTotal, useAzureEnv } from "./harness";

// The BakedImage provider driven directly (as Pulumi's host would) with the inline `azureArm` form,
// against the ARM double and the local sshd.
const env = useAzureEnv();

function azureArmArgs(e: AzureEnv) {
  return {
    subscriptionId: AZURE_TEST_IDS.subscriptionId,
    tenantId: AZURE_TEST_IDS.tenantId,
    clientId: AZURE_TEST_IDS.clientId,
    clientSecret: AZURE_TEST_IDS.clientSecret,
    location: "East US",
    imagePublisher: "Canonical",
    imageOffer: "0001-com-ubuntu-server-jammy",
    imageSku: "22_04-lts",
    managedImageName: "kiln-pulumi",
    managedImageResourceGroupName: "images",
    azureTags: { team: "platform" },
    sshHost: e.sshd.host,
    sshPort: e.sshd.port,
    sshUsername: e.sshd.username,
  };
}

describe("BakedImage with azureArm", () => {
  it("bakes a managed image, holds it with tags, keeps the secret out of outputs, and delete removes it", async () => {
    const e = env();
    const inputs = await providerInputs(
      "ubuntu",
      { baseDir: e.work, azureArm: azureArmArgs(e), tags: { env: "test" } },
      { sensitiveValues: [AZURE_TEST_IDS.clientSecret], owner: "shop/prod/ubuntu" },
    );
    const run = await captureConsole(() => provider.create(inputs));
    if (run.error) throw run.error;
    const outs = run.result?.outs as BakedImageOutputs;
    const id = run.result?.id as string;
    expect(outs.imageName).toMatch(/^kiln-pulumi-\d{14}-[0-9a-f]{4}$/);
    const imageId = `/subscriptions/${AZURE_TEST_IDS.subscriptionId}/resourceGroups/images/providers/Microsoft.Compute/images/${outs.imageName}`;
    expect(id).toBe(imageId);
    expect(outs.imageId).toBe(imageId);
    expect(outs.images).toEqual({ eastus: imageId });
    expect(outs.buildName).toBe("azure-arm.ubuntu");
    expect(run.lines.join("\n")).not.toContain(AZURE_TEST_IDS.clientSecret);
    const image = e.arm.resource(imageId);
    expect(image?.tags).toMatchObject({ team: "platform", env: "test", "kiln:pulumi:baked": "true" });
    expect(image?.tags[`kiln:pulumi:holder:${outs.holder}`]).toBe("shop/prod/ubuntu");
    expect(e.arm.leftovers()).toEqual({ ...nothingLeft(), images: [outs.imageName] });

    await captureConsole(() => provider.delete?.(id, outs) as Promise<void>);
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });
});
