import { errorMessage, KilnError } from "../../engine/errors";
import type { ArtifactDestroyer } from "../types";
import { parseDetails } from "./artifact";
import { accessFrom, Ec2Clients } from "./clients";
import { deleteImage } from "./images";

/**
 * Deletes an amazon-ebs artifact: deregisters its AMI in every region, then deletes the snapshots.
 * Idempotent: AMIs and snapshots already gone count as deleted, so a failed destroy can be repeated.
 * Credentials and endpoint come from `options.config` (the builder's config) or the standard chain.
 */
export const destroyEbsArtifact: ArtifactDestroyer = async (artifact, options) => {
  const details = parseDetails(artifact);
  const clients = new Ec2Clients(accessFrom(options.config, details.buildRegion || undefined));
  const problems: string[] = [];
  const errors: unknown[] = [];
  try {
    await Promise.all(
      Object.entries(details.amis).map(async ([region, imageId]) => {
        try {
          const snapshots = await deleteImage(
            clients.get(region),
            { imageId, snapshotIds: details.snapshots[region] ?? [] },
            { signal: options.signal },
          );
          options.reporter?.info(
            `deleted ${imageId} in ${region}${snapshots.length ? ` and ${snapshots.join(", ")}` : ""}`,
          );
        } catch (error) {
          problems.push(`${region} ${imageId}: ${errorMessage(error)}`);
          errors.push(error);
        }
      }),
    );
  } finally {
    clients.destroy();
  }
  if (problems.length) {
    throw new KilnError(
      "RESOURCES_LEFT",
      `destroying ${artifact.buildName} (${artifact.id}) left resources behind: ${problems.join("; ")}`,
      { cause: errors.length === 1 ? errors[0] : new AggregateError(errors), context: { resource: artifact.id } },
    );
  }
};
