import { CopyImageCommand, CreateTagsCommand, waitUntilImageAvailable } from "@aws-sdk/client-ec2";
import type { BuildContext } from "../../engine/context";
import type { EbsConfig } from "./config";
import { snapshotIdsOf } from "./images";
import { COPY_WAIT, waitUntil } from "./polling";
import { replyField } from "./reply";
import type { EbsState } from "./state";
import { buildIdTag, tagSpec, toTags } from "./tags";

/**
 * Copies the build's AMI into `region` (possibly the build region itself, to encrypt it), tags the copy
 * at once so a killed build's leftovers can be found, waits for it and tags its snapshots. `onCreated`
 * receives the ID as soon as EC2 returns it, before the wait, so the caller's cleanup knows about it.
 */
export async function copyImage(
  run: { ctx: BuildContext; config: EbsConfig; state: EbsState },
  source: { region: string; imageId: string },
  target: { region: string; encrypted?: boolean; kmsKeyId?: string },
  onCreated: (imageId: string) => void,
  signal: AbortSignal,
): Promise<{ imageId: string; snapshotIds: string[] }> {
  const { ctx, config, state } = run;
  const ec2 = state.ec2.get(target.region);
  const imageTags = toTags(config.tags, buildIdTag(ctx.buildId));
  const out = await ec2.send(
    new CopyImageCommand({
      SourceImageId: source.imageId,
      SourceRegion: source.region,
      Name: config.ami_name,
      Description: config.ami_description,
      Encrypted: target.encrypted,
      KmsKeyId: target.kmsKeyId,
      // Idempotent retries: one copy per build, source and region.
      ClientToken: `kiln-${ctx.buildId}-${source.imageId}`.slice(0, 64),
      TagSpecifications: [tagSpec("image", imageTags)],
    }),
    { abortSignal: signal },
  );
  const imageId = replyField(out, "ImageId", "CopyImage");
  onCreated(imageId);
  // Not every EC2 (moto, older regions) applies TagSpecifications on CopyImage; tag explicitly.
  await ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: imageTags }), { abortSignal: signal });
  const described = await waitUntil(
    waitUntilImageAvailable,
    { ImageIds: [imageId] },
    {
      client: ec2,
      settings: state.poll,
      kind: COPY_WAIT,
      signal,
      reporter: ctx.reporter,
      what: `AMI copy ${imageId} in ${target.region} to be available`,
    },
  );
  const snapshotIds = snapshotIdsOf(described.Images?.[0]);
  if (snapshotIds.length) {
    await ec2.send(
      new CreateTagsCommand({ Resources: snapshotIds, Tags: toTags(config.snapshot_tags, buildIdTag(ctx.buildId)) }),
      { abortSignal: signal },
    );
  }
  return { imageId, snapshotIds };
}
