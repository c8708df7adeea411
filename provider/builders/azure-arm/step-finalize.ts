import { longRunning } from "./arm";
import { azureArtifact } from "./artifact";
import type { AzureTypedStep, Created } from "./state";
import { replicationRegions } from "./step-gallery-version";
import { FINGERPRINT_TAG } from "./tags";

/**
 * Tags the managed image and the gallery version with the content fingerprint — last, so only a complete
 * artifact can be found and reused by a later build — and hands the artifact to the engine.
 */
export const finalizeStep: AzureTypedStep<"location" | "managedImage" | "galleryVersion"> = {
  name: "azure-arm: artifact",
  needs: ["location", "managedImage", "galleryVersion"],
  provides: [],
  async run({ ctx, config, state }, signal) {
    const managedImageId = idOf(state.managedImage);
    const galleryImageVersionId = idOf(state.galleryVersion);
    const ids = [managedImageId, galleryImageVersionId].filter((id): id is string => id !== undefined);
    for (const id of ids) {
      await longRunning(state.clients, `tagging ${id}`, config.polling_duration_timeout, signal, (o) =>
        state.clients.resources.tagsOperations.updateAtScope(
          id,
          { operation: "Merge", properties: { tags: { [FINGERPRINT_TAG]: ctx.fingerprint } } },
          o,
        ),
      );
    }
    ctx.artifact = azureArtifact(ctx, {
      subscriptionId: state.clients.subscriptionId,
      location: state.location,
      managedImageId,
      galleryImageVersionId,
      galleryRegions: replicationRegions(config, state.location),
    });
    ctx.reporter.info(`image: ${ctx.artifact.id}`);
  },
};

function idOf(resource: Created): string | undefined {
  return resource.created ? resource.id : undefined;
}
