import { readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { build, destroyArtifact, loadTemplate } from "../../provider/kiln";
import { AZURE_TEST_IDS } from "../fixtures/azure-arm";
import { ensureLocalUser } from "../fixtures/sshd";
import { leftoverTotal, useAzureEnv } from "./harness";

const env = useAzureEnv();
const EXAMPLE = resolve(__dirname, "../../examples/azure-arm/ubuntu.pkr.hcl");
const isRoot = process.getuid?.() === 0;

// The example logs in as Packer's default admin user `packer`; the local sshd needs that user to exist.
describe.skipIf(!isRoot)("examples/azure-arm/ubuntu.pkr.hcl (needs root to create the local user 'packer')", () => {
  it("validates and builds unmodified against the double + sshd with only ssh_host/ssh_port set", async () => {
    const e = env();
    await ensureLocalUser("packer");
    const marker = "/home/packer/kiln-baked";
    rmSync(marker, { force: true });
    const loaded = await loadTemplate(EXAMPLE, { vars: { ssh_host: e.sshd.host, ssh_port: String(e.sshd.port) } });
    const result = await build(loaded.builds);
    const [artifact] = result.artifacts;
    expect(artifact?.id).toMatch(
      new RegExp(
        `^/subscriptions/${AZURE_TEST_IDS.subscriptionId}/resourceGroups/images/providers/Microsoft.Compute/images/kiln-ubuntu-\\d{10}$`,
      ),
    );
    // The shell provisioner ran on the target as `packer` (the apt-get steps skipped: no Azure agent here).
    expect(readFileSync(marker, "utf8")).toMatch(/^baked by kiln on /);
    const left = e.arm.leftovers();
    expect(left.images).toHaveLength(1);
    expect(leftoverTotal(left)).toBe(1);
    const image = e.arm.resources().find((r) => r.id === artifact?.id);
    expect(image?.location).toBe("eastus");
    expect(image?.tags.team).toBe("platform");
    await destroyArtifact(artifact as never);
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });
});
