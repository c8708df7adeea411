import { DeleteVolumeCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { operationFailed } from "../../engine/errors";
import { awsCode, cleanupSignal } from "./polling";
import type { EbsTypedStep } from "./state";
import { buildIdFilter } from "./tags";

/**
 * Cleanup only (Packer's StepCleanupVolumes): once the instance is terminated, deletes the volumes it
 * was launched with that outlived it (`delete_on_termination = false`). Runs before run-instance so its
 * cleanup runs after the instance is gone.
 */
export const cleanupVolumesStep: EbsTypedStep = {
  name: "amazon-ebs: leftover volumes",
  needs: [],
  provides: [],
  async run() {},
  async cleanup({ ctx, state }) {
    if (!state.launchAttempted) return;
    const ec2 = state.ec2.get();
    const signal = cleanupSignal();
    const out = await ec2.send(
      new DescribeVolumesCommand({ Filters: [buildIdFilter(ctx.buildId), { Name: "status", Values: ["available"] }] }),
      { abortSignal: signal },
    );
    for (const volume of out.Volumes ?? []) {
      try {
        await ec2.send(new DeleteVolumeCommand({ VolumeId: volume.VolumeId }), { abortSignal: signal });
        ctx.reporter.info(`deleted volume ${volume.VolumeId}`);
      } catch (error) {
        if (awsCode(error) !== "InvalidVolume.NotFound") {
          throw operationFailed("AWS_DELETE_FAILED", `deleting volume ${volume.VolumeId}`, error, {
            resource: volume.VolumeId,
          });
        }
      }
    }
  },
};
