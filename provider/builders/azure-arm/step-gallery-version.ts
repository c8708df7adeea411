import { createdId, deleteIfPresent, longRunning, normalizeLocation } from "./arm";
import type { AzureArmConfig } from "./config";
import { type AzureTypedStep, NOT_CREATED } from "./state";

/**
 * Publishes the image as `shared_image_gallery_destination`'s version, replicated to the build location
 * and every `replication_regions`, from the managed image if one was made, else from the VM. Like the
 * managed image, it is removed only when the build fails or is cancelled later on.
 */
export const galleryVersionStep: AzureTypedStep<"location" | "vmId" | "managedImage", "galleryVersion"> = {
  name: "azure-arm: gallery image version",
  needs: ["location", "vmId", "managedImage"],
  provides: ["galleryVersion"],
  async run({ ctx, config, state }, signal) {
    const g = config.shared_image_gallery_destination;
    if (!g) {
      state.galleryVersion = NOT_CREATED;
      return;
    }
    const regions = replicationRegions(config, state.location);
    const replicas = config.shared_image_gallery_replica_count ?? 1;
    state.galleryVersionAttempted = true;
    const version = await longRunning(
      state.clients,
      `publishing gallery image version ${g.gallery_name}/${g.image_name}/${g.image_version}`,
      config.polling_duration_timeout,
      signal,
      (o) =>
        state.clients.computeIn(g.subscription).galleryImageVersions.createOrUpdate(
          g.resource_group,
          g.gallery_name,
          g.image_name,
          g.image_version,
          {
            location: state.location,
            tags: state.tags,
            publishingProfile: {
              targetRegions: regions.map((name) => ({
                name,
                regionalReplicaCount: replicas,
                storageAccountType: g.storage_account_type ?? "Standard_LRS",
              })),
            },
            storageProfile: { source: { id: state.managedImage.created ? state.managedImage.id : state.vmId } },
          },
          o,
        ),
    );
    const id = createdId(version, `gallery image version ${g.image_version}`);
    state.galleryVersion = { created: true, id };
    ctx.reporter.info(`gallery image version ${id} (regions: ${regions.join(", ")})`);
  },
  async cleanup({ ctx, config, state }, outcome) {
    const g = config.shared_image_gallery_destination;
    if (!g || (!outcome.failed && !outcome.cancelled) || !state.galleryVersionAttempted) return;
    await deleteIfPresent(state.clients, `gallery image version ${g.image_version}`, (o) =>
      state.clients
        .computeIn(g.subscription)
        .galleryImageVersions.delete(g.resource_group, g.gallery_name, g.image_name, g.image_version, o),
    );
    state.galleryVersionAttempted = false;
    state.galleryVersion = undefined;
    ctx.reporter.info(`deleted gallery image version ${g.image_version} (the build did not finish)`);
  },
};

/** The build location first, then each replication region once, in ARM's canonical spelling. */
export function replicationRegions(config: Pick<AzureArmConfig, "shared_image_gallery_destination">, location: string) {
  const extra = config.shared_image_gallery_destination?.replication_regions ?? [];
  return [...new Set([location, ...extra].map(normalizeLocation))];
}
