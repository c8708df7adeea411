import type { ArtifactDestroyer } from "../types";
import { deleteIfPresent, parseArmId } from "./arm";
import { parseAzureDetails } from "./artifact";
import { AzureClients, accessFrom } from "./clients";

/**
 * Deletes an azure-arm artifact: the gallery image version, then the managed image (it may be the
 * version's source). Idempotent: what is already gone counts as deleted. Credentials come from
 * `options.config` (the builder's config) or the standard chain; the subscription from the IDs.
 */
export const destroyAzureArtifact: ArtifactDestroyer = async (artifact, options) => {
  const details = parseAzureDetails(artifact);
  const clients = new AzureClients({
    ...accessFrom(options.config),
    subscription_id: details.subscriptionId || undefined,
  });
  if (details.galleryImageVersionId) {
    const v = parseArmId(details.galleryImageVersionId);
    const [gallery, image, version] = v.names as [string, string, string];
    await deleteIfPresent(
      clients,
      `gallery image version ${details.galleryImageVersionId}`,
      (o) =>
        clients.computeIn(v.subscriptionId).galleryImageVersions.delete(v.resourceGroup, gallery, image, version, o),
      options.signal,
    );
    options.reporter?.info(`deleted ${details.galleryImageVersionId}`);
  }
  if (details.managedImageId) {
    const m = parseArmId(details.managedImageId);
    await deleteIfPresent(
      clients,
      `managed image ${details.managedImageId}`,
      (o) => clients.computeIn(m.subscriptionId).images.delete(m.resourceGroup, m.names[0] as string, o),
      options.signal,
    );
    options.reporter?.info(`deleted ${details.managedImageId}`);
  }
};
