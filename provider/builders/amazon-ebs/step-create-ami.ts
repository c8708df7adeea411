import { CreateImageCommand, CreateTagsCommand, waitUntilImageAvailable } from "@aws-sdk/client-ec2";
import { toBlockDeviceMappings } from "./block-devices";
import { deleteImage, findOwnImages, snapshotIdsOf } from "./images";
import { cleanupSignal, IMAGE_WAIT, retryWhile, waitUntil } from "./polling";
import { replyField } from "./reply";
import type { BuiltImage, EbsTypedStep } from "./state";
import { buildIdFilter, buildIdTag, tagSpec, toTags } from "./tags";

/**
 * Creates the AMI from the stopped instance, waits until it is available and tags its snapshots. The
 * AMI and snapshots carry the build ID at once and `tags`/`snapshot_tags`. Cleanup removes them when
 * the build failed or was cancelled at any later point; a successful build keeps them.
 */
export const createAmiStep: EbsTypedStep<"instanceId", "ami"> = {
  name: "amazon-ebs: create AMI",
  needs: ["instanceId"],
  provides: ["ami"],
  async run({ ctx, config, state }, signal) {
    if (config.skip_create_ami) {
      state.ami = { kind: "none" };
      ctx.reporter.info("skip_create_ami: no AMI is created");
      return;
    }
    const ec2 = state.ec2.get();
    const instanceId = state.instanceId;
    state.createAttempted = true;
    // Right after a stop, EC2 can still refuse with "Instance is not in state stopped".
    const out = await retryWhile(
      ["IncorrectInstanceState"],
      () =>
        ec2.send(
          new CreateImageCommand({
            InstanceId: instanceId,
            Name: config.ami_name,
            Description: config.ami_description,
            BlockDeviceMappings: toBlockDeviceMappings(config.ami_block_device_mappings),
            TagSpecifications: [tagSpec("image", toTags(config.tags, buildIdTag(ctx.buildId)))],
          }),
          { abortSignal: signal },
        ),
      { signal, maxMs: 2 * 60_000 },
    );
    const imageId = replyField(out, "ImageId", "CreateImage");
    const image: BuiltImage = { region: config.region, imageId, snapshotIds: [] };
    state.image = image;
    ctx.reporter.info(`created AMI ${imageId}; waiting for it to become available`);

    const described = await waitUntil(
      waitUntilImageAvailable,
      { ImageIds: [imageId] },
      {
        client: ec2,
        settings: state.poll,
        kind: IMAGE_WAIT,
        signal,
        reporter: ctx.reporter,
        what: `AMI ${imageId} to be available`,
      },
    );
    const snapshotIds = snapshotIdsOf(described.Images?.[0]);
    image.snapshotIds = snapshotIds;
    if (snapshotIds.length) {
      await ec2.send(
        new CreateTagsCommand({ Resources: snapshotIds, Tags: toTags(config.snapshot_tags, buildIdTag(ctx.buildId)) }),
        { abortSignal: signal },
      );
    }
    state.ami = { kind: "made", image };
    ctx.reporter.info(`AMI ${imageId} is available (snapshots: ${snapshotIds.join(", ") || "none"})`);
  },

  async cleanup({ ctx, config, state }, outcome) {
    if (!outcome.failed && !outcome.cancelled) return;
    if (!state.createAttempted) return;
    const ec2 = state.ec2.get();
    const signal = cleanupSignal();
    let images = state.image ? [state.image] : [];
    if (!images.length) {
      // The CreateImage reply was lost: the AMI carries the build tag from its creation.
      const found = await findOwnImages(
        ec2,
        [buildIdFilter(ctx.buildId), { Name: "name", Values: [config.ami_name] }],
        signal,
      );
      images = found.map((i) => ({
        region: config.region,
        imageId: replyField(i, "ImageId", "DescribeImages"),
        snapshotIds: snapshotIdsOf(i),
      }));
    }
    for (const image of images) {
      const snapshots = await deleteImage(ec2, image, { signal });
      ctx.reporter.info(`deleted AMI ${image.imageId}${snapshots.length ? ` and ${snapshots.join(", ")}` : ""}`);
    }
    state.image = undefined;
    state.ami = undefined;
    state.createAttempted = false;
  },
};
