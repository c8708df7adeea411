import { isNotFound } from "./arm";
import type { AzureStep } from "./state";

/**
 * Packer's pre-checks: the managed image and the gallery image version the build would make must not
 * exist yet (`--force` replaces them), and the managed image's resource group must exist.
 */
export const preValidateStep: AzureStep = {
  name: "azure-arm: pre-validate",
  async run({ ctx, config, state }, signal) {
    const { compute, resources } = state.clients;
    const exists = async (what: string, get: () => Promise<unknown>) => {
      try {
        await get();
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw new Error(`checking whether ${what} exists failed: ${(error as Error).message}`, { cause: error });
      }
    };
    if (config.managed_image_name && config.managed_image_resource_group_name) {
      const group = config.managed_image_resource_group_name;
      const groupExists = await resources.resourceGroups
        .checkExistence(group, { abortSignal: signal })
        .catch((error) => {
          throw new Error(`checking resource group '${group}' failed: ${(error as Error).message}`, { cause: error });
        });
      if (!groupExists.body) {
        throw new Error(`managed_image_resource_group_name: resource group '${group}' does not exist`);
      }
      const name = config.managed_image_name;
      if (await exists(`managed image '${name}'`, () => compute.images.get(group, name, { abortSignal: signal }))) {
        if (!ctx.force) throw new Error(`managed image '${name}' already exists in '${group}'; --force replaces it`);
        ctx.reporter.warn(`managed image '${name}' exists in '${group}' and will be replaced (--force)`);
      }
    }
    const gallery = config.shared_image_gallery_destination;
    if (gallery) {
      const client = state.clients.computeIn(gallery.subscription);
      const get = () =>
        client.galleryImageVersions.get(
          gallery.resource_group,
          gallery.gallery_name,
          gallery.image_name,
          gallery.image_version,
          { abortSignal: signal },
        );
      const version = `${gallery.gallery_name}/${gallery.image_name}/${gallery.image_version}`;
      if (await exists(`gallery image version ${version}`, get)) {
        if (!ctx.force) throw new Error(`gallery image version ${version} already exists; --force replaces it`);
        ctx.reporter.warn(`gallery image version ${version} exists and will be replaced (--force)`);
      }
    }
  },
};
