import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AzureClients } from "../../provider/builders/azure-arm/clients";
import { build, destroyArtifact, loadTemplate } from "../../provider/kiln";

// The example template against a real Azure subscription: bakes a small Ubuntu image (a Standard_B2s VM
// for a few minutes), checks that nothing tagged with the build ID is left but the image, then deletes
// it. Costs money, so it runs only when asked for with KILN_LIVE_AZURE=1 and credentials are present.
const reason = skipReason();
if (reason) console.log(`live Azure test skipped: ${reason}`);

function skipReason(): string | undefined {
  const env = process.env;
  if (env.KILN_LIVE_AZURE !== "1") return "KILN_LIVE_AZURE=1 is not set (this test starts a real Azure VM)";
  if (!env.AZURE_SUBSCRIPTION_ID) return "AZURE_SUBSCRIPTION_ID is not set";
  const principal = env.AZURE_CLIENT_ID && (env.AZURE_CLIENT_SECRET || env.AZURE_CLIENT_CERTIFICATE_PATH);
  if (!principal && env.KILN_LIVE_AZURE_CLI !== "1")
    return "no credentials: set AZURE_CLIENT_ID + AZURE_CLIENT_SECRET + AZURE_TENANT_ID, or KILN_LIVE_AZURE_CLI=1 after az login";
  if (env.KILN_AZURE_ENDPOINT) return "KILN_AZURE_ENDPOINT is set (that points at a double, not Azure)";
  return undefined;
}

describe.skipIf(reason !== undefined)("live: azure-arm in a real subscription", () => {
  it("bakes the example image, leaves nothing temporary, and destroy removes it", {
    timeout: 60 * 60_000,
  }, async () => {
    const clients = new AzureClients({});
    // The example captures into resource group `images`; made here when missing, removed after.
    const made = !(await clients.resources.resourceGroups.checkExistence("images")).body;
    if (made) await clients.resources.resourceGroups.createOrUpdate("images", { location: "eastus" });
    let buildId = "";
    try {
      const loaded = await loadTemplate(join(__dirname, "../../examples/azure-arm/ubuntu.pkr.hcl"));
      const result = await build(loaded.builds, {
        onEvent: (e) => {
          if (e.type === "build-started") buildId = e.buildId;
          if (e.type === "message" || e.type === "output") console.log(`[${e.build}] ${"text" in e ? e.text : e.line}`);
        },
      });
      const [artifact] = result.artifacts;
      try {
        expect(artifact?.id).toMatch(/\/providers\/Microsoft\.Compute\/images\/kiln-ubuntu-\d+$/);
        const left: string[] = [];
        for await (const r of clients.resources.resources.list({
          filter: `tagName eq 'kiln:build-id' and tagValue eq '${buildId}'`,
        })) {
          if (r.id?.toLowerCase() !== artifact?.id.toLowerCase()) left.push(r.id ?? "?");
        }
        expect(left).toEqual([]);
      } finally {
        for (const a of result.artifacts) await destroyArtifact(a);
      }
    } finally {
      if (made) await clients.resources.resourceGroups.delete("images");
    }
  });
});
