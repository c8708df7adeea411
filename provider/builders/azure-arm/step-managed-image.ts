import { deleteIfPresent, longRunning } from "./arm";
import type { AzureTypedStep } from "./state";

/**
 * Captures the generalized VM as the managed image `managed_image_name` in
 * `managed_image_resource_group_name`, tagged like everything else. The image is the artifact: its
 * cleanup deletes it only when the build failed or was cancelled at a later point.
 */
export const managedImageStep: AzureTypedStep<"location"> = {
  name: "azure-arm: managed image",
  needs: ["location"],
  provides: [],
  async run({ ctx, config, state }, signal) {
    if (!config.managed_image_name || !config.managed_image_resource_group_name) return;
    const [group, name] = [config.managed_image_resource_group_name, config.managed_image_name];
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
    state.managedImageId = image.id;
    ctx.reporter.info(`managed image ${image.id}`);
  },
  async cleanup({ ctx, config, state }, outcome) {
    if (!outcome.failed && !outcome.cancelled) return;
    if (!state.managedImageAttempted) return;
    const [group, name] = [config.managed_image_resource_group_name as string, config.managed_image_name as string];
    await deleteIfPresent(state.clients, `managed image ${name}`, (o) =>
      state.clients.compute.images.delete(group, name, o),
    );
    state.managedImageAttempted = false;
    state.managedImageId = undefined;
    ctx.reporter.info(`deleted managed image ${name} (the build did not finish)`);
  },
};
