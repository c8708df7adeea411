import { copyImage } from "./copy-image";
import { deleteImage, findOwnImages, snapshotIdsOf } from "./images";
import { cleanupSignal } from "./polling";
import { replyField } from "./reply";
import type { EbsTypedStep } from "./state";
import { taggedByOtherBuild } from "./tags";

/**
 * `encrypt_boot`: copies the new AMI in its own region with encryption (`kms_key_id`), then removes the
 * unencrypted one, as Packer does. Cleanup removes the encrypted copy when the build fails later.
 */
export const encryptBootStep: EbsTypedStep<"ami"> = {
  name: "amazon-ebs: encrypt boot volume",
  needs: ["ami"],
  provides: [],
  async run(run, signal) {
    const { ctx, config, state } = run;
    if (!config.encrypt_boot || state.ami.kind === "none") return;
    const plain = state.ami.image;
    state.encryptAttempted = true;
    const copy = await copyImage(
      run,
      { region: config.region, imageId: plain.imageId },
      { region: config.region, encrypted: true, kmsKeyId: config.kms_key_id },
      (imageId) => {
        state.encrypted = { region: config.region, imageId, snapshotIds: [] };
      },
      signal,
    );
    const encrypted = { region: config.region, ...copy };
    state.encrypted = encrypted;
    await deleteImage(state.ec2.get(), plain, { signal });
    state.image = undefined;
    state.ami = { kind: "made", image: encrypted };
    ctx.reporter.info(`encrypted AMI ${copy.imageId} replaces ${plain.imageId}`);
  },

  async cleanup({ ctx, config, state }, outcome) {
    if ((!outcome.failed && !outcome.cancelled) || !state.encryptAttempted) return;
    const ec2 = state.ec2.get();
    const signal = cleanupSignal();
    const plainId = state.image?.imageId;
    const images = state.encrypted
      ? [state.encrypted]
      : // The CopyImage reply was lost. The copy has our name (free before this build, see pre-validate)
        // but maybe no tags yet: not every EC2 applies CopyImage's TagSpecifications.
        (await findOwnImages(ec2, [{ Name: "name", Values: [config.ami_name] }], signal))
          .filter((i) => i.ImageId !== plainId && !taggedByOtherBuild(i, ctx.buildId))
          .map((i) => ({
            region: config.region,
            imageId: replyField(i, "ImageId", "DescribeImages"),
            snapshotIds: snapshotIdsOf(i),
          }));
    for (const image of images) {
      await deleteImage(ec2, image, { signal });
      ctx.reporter.info(`deleted encrypted AMI ${image.imageId}`);
    }
    state.encrypted = undefined;
  },
};
