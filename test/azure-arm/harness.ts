import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { build } from "../../provider/kiln";
import type { BuildSpec, ProvisionerSpec } from "../../provider/spec/types";
import { type ArmLeftovers, AZURE_TEST_IDS, type AzureArmDouble, SEEDED, startAzureArm } from "../fixtures/azure-arm";
import { type SshdHandle, startSshd } from "../fixtures/sshd";

/** What a test against "Azure" has: the ARM double for the API, sshd standing in for the VM. */
export interface AzureEnv {
  readonly arm: AzureArmDouble;
  readonly sshd: SshdHandle;
  /** A fresh directory per test, the build's base directory. */
  readonly work: string;
}

/**
 * Starts the double and sshd once per file and points Kiln at the double through the environment (as a
 * user would with KILN_AZURE_ENDPOINT); resets the double and gives a fresh work directory per test.
 */
export function useAzureEnv(): () => AzureEnv {
  let arm: AzureArmDouble | undefined;
  let sshd: SshdHandle | undefined;
  let work = "";
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    sshd = await startSshd();
    arm = await startAzureArm({ authorizedKeysFile: join(sshd.dir, "authorized_keys") });
    for (const [k, v] of Object.entries(arm.env())) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await Promise.all([arm?.stop(), sshd?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    arm?.reset();
    if (work) rmSync(work, { recursive: true, force: true });
    work = mkdtempSync(join(tmpdir(), "kiln-azure-"));
  });
  return () => {
    if (!arm || !sshd) throw new Error("environment not started");
    return { arm, sshd, work };
  };
}

/** An azure-arm source from Ubuntu 22.04 to a managed image in `images`, reaching the local sshd. */
export function azureConfig(env: AzureEnv, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subscription_id: AZURE_TEST_IDS.subscriptionId,
    tenant_id: AZURE_TEST_IDS.tenantId,
    client_id: AZURE_TEST_IDS.clientId,
    client_secret: AZURE_TEST_IDS.clientSecret,
    location: "East US",
    vm_size: "Standard_B2s",
    os_type: "Linux",
    image_publisher: "Canonical",
    image_offer: "0001-com-ubuntu-server-jammy",
    image_sku: "22_04-lts",
    managed_image_name: "kiln-test-image",
    managed_image_resource_group_name: "images",
    azure_tags: { team: "platform" },
    ssh_host: env.sshd.host,
    ssh_port: env.sshd.port,
    ssh_username: env.sshd.username,
    ...extra,
  };
}

export function azureSpec(
  env: AzureEnv,
  options: { config?: Record<string, unknown>; provisioners?: ProvisionerSpec[] } = {},
): BuildSpec {
  return {
    baseDir: env.work,
    sources: [{ type: "azure-arm", name: "ubuntu", config: azureConfig(env, options.config) }],
    provisioners: options.provisioners ?? [],
  };
}

/** Number of resources left, all kinds together. */
export function leftoverTotal(left: ArmLeftovers): number {
  return Object.values(left).reduce((n, ids: string[]) => n + ids.length, 0);
}

/**
 * A build that fails in its provisioner with `on-error=abort`, so it leaves its VM, NIC, IP, VNet and
 * disk in the existing group `network`, as a killed build would. Returns its build ID.
 */
export async function buildLeftBehind(e: AzureEnv): Promise<string> {
  let buildId = "";
  await build(
    azureSpec(e, {
      config: { location: undefined, build_resource_group_name: SEEDED.networkGroup },
      provisioners: [{ type: "shell", config: { inline: ["exit 1"] } }],
    }),
    {
      onError: "abort",
      onEvent: (ev) => {
        if (ev.type === "build-started") buildId = ev.buildId;
      },
    },
  ).catch(() => {});
  return buildId;
}
