import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { parseKey } from "../../communicator/ssh2-parts";
import { temporaryKeyPair } from "../../communicator/temporary-key";
import { invalidValue } from "../../engine/errors";
import type { AzureTypedStep } from "./state";

/**
 * The admin SSH key the VM is created with: a temporary pair made here (ed25519 unless
 * `temporary_key_pair_type = "rsa"`), or the public half of `ssh_private_key_file`. Nothing is stored
 * in Azure: the key lives in the VM, which is deleted, so there is nothing to clean up.
 */
export const sshKeyStep: AzureTypedStep<never, "sshKey"> = {
  name: "azure-arm: temporary SSH key",
  needs: [],
  provides: ["sshKey"],
  async run({ ctx, config, state }) {
    if (config.communicator === "none") {
      state.sshKey = { kind: "none" };
      return;
    }
    if (config.ssh_private_key_file) {
      const file = config.ssh_private_key_file.replace(/^~(?=$|\/)/, homedir());
      state.sshKey = { kind: "key", publicKey: publicKeyOf(readFileSync(resolve(ctx.baseDir, file), "utf8"), file) };
      return;
    }
    const type = config.temporary_key_pair_type ?? "ed25519";
    state.sshKey = { kind: "key", ...temporaryKeyPair(type, ctx.buildId) };
    ctx.reporter.info(`temporary ${type} SSH key for the VM's admin user`);
  },
  async cleanup({ state }) {
    state.sshKey = undefined;
  },
};

/** `ssh-ed25519 AAAA…` for a private key file's text. */
function publicKeyOf(text: string, file: string): string {
  const parsed = parseKey(text);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error)
    throw invalidValue("ssh_private_key_file", `${file} is not a usable private key`, { resource: file });
  return `${key.type} ${key.getPublicSSH().toString("base64")}`;
}
