import { CreateKeyPairCommand, DeleteKeyPairCommand } from "@aws-sdk/client-ec2";
import { operationFailed } from "../../engine/errors";
import { DEFAULT_KEY_PAIR_TYPE, usesTemporaryKeyPair } from "./config";
import { awsCode, cleanupSignal } from "./polling";
import { replyField } from "./reply";
import type { EbsTypedStep } from "./state";
import { buildIdTag, tagSpec, toTags } from "./tags";

/**
 * A temporary EC2 key pair (ed25519 unless `temporary_key_pair_type` says rsa), deleted in cleanup.
 * None when the user brings a key (`ssh_private_key_file`) or a password, or does not connect.
 */
export const keyPairStep: EbsTypedStep<never, "launchKey"> = {
  name: "amazon-ebs: temporary key pair",
  needs: [],
  provides: ["launchKey"],
  async run({ ctx, config, state }, signal) {
    if (!usesTemporaryKeyPair(config)) {
      state.launchKey = { kind: "user", name: config.ssh_keypair_name };
      return;
    }
    const name = config.temporary_key_pair_name ?? `kiln_${ctx.buildId}`;
    // Recorded before the call: if the reply is lost (cancel, network), cleanup still deletes by name.
    state.keyPair = { name, created: false };
    try {
      const out = await state.ec2.get().send(
        new CreateKeyPairCommand({
          KeyName: name,
          KeyType: config.temporary_key_pair_type ?? DEFAULT_KEY_PAIR_TYPE,
          KeyFormat: "pem",
          TagSpecifications: [tagSpec("key-pair", toTags(buildIdTag(ctx.buildId)))],
        }),
        { abortSignal: signal },
      );
      const privateKey = replyField(out, "KeyMaterial", "CreateKeyPair");
      state.keyPair = { name, created: true, privateKey };
      state.launchKey = { kind: "temporary", name, privateKey };
    } catch (error) {
      // Someone else's key with this name: not ours to delete.
      if (awsCode(error) === "InvalidKeyPair.Duplicate") state.keyPair = undefined;
      throw operationFailed("AWS_CALL_FAILED", `creating key pair '${name}'`, error, { resource: name });
    }
    ctx.reporter.info(`temporary key pair ${name} (${config.temporary_key_pair_type ?? DEFAULT_KEY_PAIR_TYPE})`);
  },
  async cleanup({ ctx, state }) {
    const key = state.keyPair;
    if (!key) return;
    try {
      // DeleteKeyPair succeeds for a name that does not exist, so a lost create reply is handled too.
      await state.ec2.get().send(new DeleteKeyPairCommand({ KeyName: key.name }), { abortSignal: cleanupSignal() });
    } catch (error) {
      throw operationFailed("AWS_DELETE_FAILED", `deleting key pair '${key.name}'`, error, { resource: key.name });
    }
    state.keyPair = undefined;
    state.launchKey = undefined;
    ctx.reporter.info(`deleted key pair ${key.name}`);
  },
};
