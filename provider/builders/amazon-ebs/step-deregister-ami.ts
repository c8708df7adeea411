import { imageRegions } from "./config";
import { deleteImage, findOwnImages, snapshotIdsOf } from "./images";
import { replyField } from "./reply";
import type { EbsTypedStep } from "./state";

/**
 * `force_deregister`: removes AMIs named `ami_name` in the build region and every copy region (and
 * their snapshots with `force_delete_snapshot`) just before the new one is created. Not undoable.
 */
export const deregisterAmiStep: EbsTypedStep = {
  name: "amazon-ebs: deregister existing AMI",
  needs: [],
  provides: [],
  async run({ ctx, config, state }, signal) {
    if (!config.force_deregister || config.skip_create_ami) return;
    await Promise.all(
      imageRegions(config).map(async (region) => {
        const ec2 = state.ec2.get(region);
        const images = await findOwnImages(ec2, [{ Name: "name", Values: [config.ami_name] }], signal);
        for (const image of images) {
          await deleteImage(
            ec2,
            { imageId: replyField(image, "ImageId", "DescribeImages"), snapshotIds: snapshotIdsOf(image) },
            { deleteSnapshots: config.force_delete_snapshot ?? false, signal },
          );
          ctx.reporter.info(`deregistered ${image.ImageId} in ${region} (force_deregister)`);
        }
      }),
    );
  },
};
