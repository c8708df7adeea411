import {
  EnableImageDeprecationCommand,
  type LaunchPermission,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from "@aws-sdk/client-ec2";
import { operationFailed } from "../../engine/errors";
import type { EbsConfig } from "./config";
import { type EbsTypedStep, finalImages } from "./state";

/**
 * Applies the AMI's attributes in every region: launch permissions (`ami_users`, `ami_groups`,
 * `ami_org_arns`, `ami_ou_arns`), snapshot volume permissions (`snapshot_users`, `snapshot_groups`),
 * `imds_support` and `deprecate_at`. Tags were applied when each AMI and snapshot was created.
 * Nothing to undo: the AMIs themselves are removed by their creators' cleanups on failure.
 */
export const modifyAttributesStep: EbsTypedStep<"ami"> = {
  name: "amazon-ebs: modify AMI attributes",
  needs: ["ami"],
  provides: [],
  async run({ ctx, config, state }, signal) {
    if (state.ami.kind === "none") return;
    const permissions = launchPermissions(config);
    const volumePermissions = [
      ...(config.snapshot_users ?? []).map((UserId) => ({ UserId })),
      ...(config.snapshot_groups ?? []).map((Group) => ({ Group })),
    ];
    await Promise.all(
      finalImages(state.ami.image, state.copies, config.region).map(async (image) => {
        const ec2 = state.ec2.get(image.region);
        const opts = { abortSignal: signal };
        if (permissions.length) {
          await ec2.send(
            new ModifyImageAttributeCommand({ ImageId: image.imageId, LaunchPermission: { Add: permissions } }),
            opts,
          );
        }
        if (config.imds_support) {
          await ec2.send(
            new ModifyImageAttributeCommand({ ImageId: image.imageId, ImdsSupport: { Value: config.imds_support } }),
            opts,
          );
        }
        if (config.deprecate_at) {
          await ec2.send(
            new EnableImageDeprecationCommand({ ImageId: image.imageId, DeprecateAt: new Date(config.deprecate_at) }),
            opts,
          );
        }
        if (volumePermissions.length) {
          for (const snapshotId of image.snapshotIds) {
            await ec2.send(
              new ModifySnapshotAttributeCommand({
                SnapshotId: snapshotId,
                Attribute: "createVolumePermission",
                CreateVolumePermission: { Add: volumePermissions },
              }),
              opts,
            );
          }
        }
      }),
    ).catch((error) => {
      throw operationFailed("AWS_CALL_FAILED", "setting AMI attributes", error);
    });
    if (permissions.length) ctx.reporter.info(`shared the AMI with ${permissions.length} principal(s)`);
  },
};

export function launchPermissions(config: EbsConfig): LaunchPermission[] {
  return [
    ...(config.ami_users ?? []).map((UserId) => ({ UserId })),
    ...(config.ami_groups ?? []).map((Group) => ({ Group })),
    ...(config.ami_org_arns ?? []).map((OrganizationArn) => ({ OrganizationArn })),
    ...(config.ami_ou_arns ?? []).map((OrganizationalUnitArn) => ({ OrganizationalUnitArn })),
  ];
}
