import { KilnError, notFound, operationFailed } from "../../engine/errors";
import { isNotFound } from "./arm";
import type { AzureTypedStep } from "./state";

/**
 * Packer's pre-checks: the managed image and the gallery image version the build would make must not
 * exist yet (`--force` replaces them), and the managed image's resource group must exist.
 */
export const preValidateStep: AzureTypedStep = {
  name: "azure-arm: pre-validate",
  needs: [],
  provides: [],
  async run({ ctx, config, state }, signal) {
    const { compute, resources } = state.clients;
    const exists = async (what: string, get: () => Promise<unknown>) => {
      try {
        await get();
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw operationFailed("AZURE_CALL_FAILED", `checking whether ${what} exists`, error);
      }
    };
    if (config.managed_image_name && config.managed_image_resource_group_name) {
      const group = config.managed_image_resource_group_name;
      const groupExists = await resources.resourceGroups
        .checkExistence(group, { abortSignal: signal })
        .catch((error) => {
          throw operationFailed("AZURE_CALL_FAILED", `checking resource group '${group}'`, error, { resource: group });
        });
      if (!groupExists.body) {
        throw notFound(`managed_image_resource_group_name: resource group '${group}' does not exist`, {
          property: "managed_image_resource_group_name",
        });
      }
      const name = config.managed_image_name;
      if (await exists(`managed image '${name}'`, () => compute.images.get(group, name, { abortSignal: signal }))) {
        if (!ctx.force) {
          throw new KilnError(
            "IMAGE_NAME_TAKEN",
            `managed image '${name}' already exists in '${group}'; --force replaces it`,
            {
              context: { property: "managed_image_name" },
            },
          );
        }
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
        if (!ctx.force) {
          throw new KilnError(
            "IMAGE_NAME_TAKEN",
            `gallery image version ${version} already exists; --force replaces it`,
          );
        }
        ctx.reporter.warn(`gallery image version ${version} exists and will be replaced (--force)`);
      }
    }
  },
};
