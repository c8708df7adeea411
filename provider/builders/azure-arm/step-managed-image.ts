import { createdId, deleteIfPresent, longRunning } from "./arm";
import { managedImageTargetOf } from "./choices";
import { type AzureTypedStep, NOT_CREATED } from "./state";

/**
 * Captures the generalized VM as the managed image `managed_image_name` in
 * `managed_image_resource_group_name`, tagged like everything else. The image is the artifact: its
 * cleanup deletes it only when the build failed or was cancelled at a later point.
 */
export const managedImageStep: AzureTypedStep<"location" | "vmId", "managedImage"> = {
  name: "azure-arm: managed image",
  needs: ["location", "vmId"],
  provides: ["managedImage"],
  async run({ ctx, config, state }, signal) {
    const target = managedImageTargetOf(config);
    if (!target) {
      state.managedImage = NOT_CREATED;
      return;
    }
    const { group, name } = target;
    state.managedImageAttempted = true;
    const image = await longRunning(
      state.clients,
      `capturing managed image ${name}`,
      config.polling_duration_timeout,
      signal,
      (o) =>
        state.clients.compute.images.createOrUpdate(
          group,
          name,
          { location: state.location, tags: state.tags, sourceVirtualMachine: { id: state.vmId } },
          o,
        ),
    );
    const id = createdId(image, `managed image ${name}`);
    state.managedImage = { created: true, id };
    ctx.reporter.info(`managed image ${id}`);
  },
  async cleanup({ ctx, config, state }, outcome) {
    if (!outcome.failed && !outcome.cancelled) return;
    const target = managedImageTargetOf(config);
    if (!state.managedImageAttempted || !target) return;
    const { group, name } = target;
    await deleteIfPresent(state.clients, `managed image ${name}`, (o) =>
      state.clients.compute.images.delete(group, name, o),
    );
    state.managedImageAttempted = false;
    state.managedImage = undefined;
    ctx.reporter.info(`deleted managed image ${name} (the build did not finish)`);
  },
};
