import {
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  type EC2Client,
  type Filter,
  type Image,
} from "@aws-sdk/client-ec2";
import { KilnError, notFound, operationFailed } from "../../engine/errors";
import { awsCode, retryWhile } from "./polling";

/** Snapshot IDs an AMI's block device mappings point at. */
export function snapshotIdsOf(image: Image | undefined): string[] {
  return (image?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
}

/** Describes one AMI by ID; undefined when AWS no longer knows it. */
export async function describeImage(ec2: EC2Client, imageId: string, signal?: AbortSignal): Promise<Image | undefined> {
  try {
    const out = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }), { abortSignal: signal });
    return out.Images?.find((i) => i.ImageId === imageId);
  } catch (error) {
    if (awsCode(error) === "InvalidAMIID.NotFound" || awsCode(error) === "InvalidAMIID.Unavailable") return undefined;
    throw error;
  }
}

/** AMIs owned by this account matching `filters`, newest first. */
export async function findOwnImages(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<Image[]> {
  const out = await ec2.send(new DescribeImagesCommand({ Owners: ["self"], Filters: filters }), {
    abortSignal: signal,
  });
  return newestFirst(out.Images ?? []);
}

export function newestFirst(images: Image[]): Image[] {
  return [...images].sort((a, b) => (b.CreationDate ?? "").localeCompare(a.CreationDate ?? ""));
}

/**
 * Deregisters an AMI and deletes its snapshots; already-gone AMIs and snapshots count as done, so
 * it can run again after a partial failure. When the snapshots are not known yet they are read from
 * the AMI first (deregistering does not delete them, and afterwards they can no longer be found).
 */
export async function deleteImage(
  ec2: EC2Client,
  image: { readonly imageId: string; readonly snapshotIds: readonly string[] },
  options: { deleteSnapshots?: boolean; signal?: AbortSignal } = {},
): Promise<string[]> {
  const { signal, deleteSnapshots = true } = options;
  let snapshots = [...image.snapshotIds];
  if (deleteSnapshots && snapshots.length === 0)
    snapshots = snapshotIdsOf(await describeImage(ec2, image.imageId, signal));
  try {
    await ec2.send(new DeregisterImageCommand({ ImageId: image.imageId }), { abortSignal: signal });
  } catch (error) {
    const code = awsCode(error);
    if (code !== "InvalidAMIID.NotFound" && code !== "InvalidAMIID.Unavailable") {
      throw operationFailed("AWS_DELETE_FAILED", `deregistering ${image.imageId}`, error, { resource: image.imageId });
    }
  }
  if (!deleteSnapshots) return [];
  // A pending AMI may not list its snapshots yet; EC2 names the AMI in their descriptions.
  if (snapshots.length === 0) snapshots = await snapshotsCreatedFor(ec2, image.imageId, signal);
  for (const snapshotId of snapshots) await deleteSnapshot(ec2, snapshotId, signal);
  return snapshots;
}

/** Snapshots whose description says EC2 made them for `imageId` (CreateImage, CopyImage). */
export async function snapshotsCreatedFor(ec2: EC2Client, imageId: string, signal?: AbortSignal): Promise<string[]> {
  const out = await ec2.send(
    new DescribeSnapshotsCommand({
      OwnerIds: ["self"],
      Filters: [
        {
          Name: "description",
          Values: [
            `Created by CreateImage(*) for ${imageId}*`,
            `Copied for DestinationAmi ${imageId} *`,
            `Auto-created snapshot for AMI ${imageId}`,
          ],
        },
      ],
    }),
    { abortSignal: signal },
  );
  return (out.Snapshots ?? []).flatMap((s) => (s.SnapshotId ? [s.SnapshotId] : []));
}

export async function deleteSnapshot(ec2: EC2Client, snapshotId: string, signal?: AbortSignal): Promise<void> {
  try {
    // Right after DeregisterImage, AWS may still count the snapshot as in use for a few seconds.
    await retryWhile(
      ["InvalidSnapshot.InUse"],
      () => ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }), { abortSignal: signal }),
      { signal, maxMs: 60_000 },
    );
  } catch (error) {
    if (awsCode(error) === "InvalidSnapshot.NotFound") return;
    throw operationFailed("AWS_DELETE_FAILED", `deleting snapshot ${snapshotId}`, error, { resource: snapshotId });
  }
}

/**
 * Packer's AMI selection: one AMI by ID, or by filters and owners. Several matches are an error
 * unless `most_recent`, which takes the newest by creation date.
 */
export async function selectImage(
  ec2: EC2Client,
  query: {
    readonly imageId?: string;
    readonly filters?: Filter[];
    readonly owners?: readonly string[];
    readonly mostRecent?: boolean;
    readonly includeDeprecated?: boolean;
  },
  signal?: AbortSignal,
): Promise<Image> {
  const out = await ec2.send(
    new DescribeImagesCommand(
      query.imageId
        ? { ImageIds: [query.imageId] }
        : {
            Owners: query.owners ? [...query.owners] : undefined,
            Filters: query.filters,
            IncludeDeprecated: query.includeDeprecated,
          },
    ),
    { abortSignal: signal },
  );
  const images = newestFirst(out.Images ?? []);
  const describe = query.imageId
    ? query.imageId
    : `filters ${JSON.stringify(Object.fromEntries((query.filters ?? []).map((f) => [f.Name, f.Values])))} and owners ${JSON.stringify(query.owners)}`;
  const first = images[0];
  if (!first) throw notFound(`no AMI matches ${describe}`);
  if (images.length > 1 && !query.mostRecent) {
    throw new KilnError(
      "RESOURCE_AMBIGUOUS",
      `${images.length} AMIs match ${describe} (${images
        .slice(0, 5)
        .map((i) => i.ImageId)
        .join(", ")}${images.length > 5 ? ", …" : ""}); set most_recent = true or narrow the filters`,
    );
  }
  return first;
}
