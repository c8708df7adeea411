import { internalError } from "../../engine/errors";
import type { AzureArmConfig, SourceGallery } from "./config";

/**
 * The alternatives azure-arm's config offers, each a type carrying the fields that alternative sets:
 * `checkAzureArmConfig` lets exactly one of each through, and these read which, so a step gets
 * `source.publisher` instead of `config.image_publisher as string`. A config the checks would reject is
 * a wiring bug here (`INTERNAL`), never a silent default.
 */

/** Where the build machine runs: a temporary group in `location`, or an existing group (its location). */
export type Placement =
  | { readonly kind: "temporary-group"; readonly location: string }
  | { readonly kind: "existing-group"; readonly group: string };

export function placementOf(config: AzureArmConfig): Placement {
  if (config.build_resource_group_name) return { kind: "existing-group", group: config.build_resource_group_name };
  if (config.location) return { kind: "temporary-group", location: config.location };
  throw unchecked("neither location nor build_resource_group_name");
}

/** What the VM boots from. */
export type ImageSource =
  | {
      readonly kind: "marketplace";
      readonly publisher: string;
      readonly offer: string;
      readonly sku: string;
      readonly version: string;
    }
  | { readonly kind: "managed-image"; readonly group: string; readonly name: string }
  | { readonly kind: "gallery"; readonly gallery: SourceGallery };

export function imageSourceOf(config: AzureArmConfig): ImageSource {
  const { custom_managed_image_name: name, custom_managed_image_resource_group_name: group } = config;
  if (name && group) return { kind: "managed-image", group, name };
  if (config.shared_image_gallery) return { kind: "gallery", gallery: config.shared_image_gallery };
  const { image_publisher: publisher, image_offer: offer, image_sku: sku } = config;
  if (publisher && offer && sku)
    return { kind: "marketplace", publisher, offer, sku, version: config.image_version ?? "latest" };
  throw unchecked("no source image");
}

/** The subnet the VM joins: a temporary network, or an existing one (in its own group, if named). */
export type NetworkChoice =
  | { readonly kind: "temporary" }
  | { readonly kind: "existing"; readonly vnet: string; readonly subnet: string; readonly group?: string };

export function networkOf(config: AzureArmConfig): NetworkChoice {
  const { virtual_network_name: vnet, virtual_network_subnet_name: subnet } = config;
  if (!vnet) return { kind: "temporary" };
  if (!subnet) throw unchecked("virtual_network_name without virtual_network_subnet_name");
  return { kind: "existing", vnet, subnet, group: config.virtual_network_resource_group_name };
}

/** The managed image the build captures, if it makes one (`managed_image_name` with its group). */
export function managedImageTargetOf(config: AzureArmConfig): { group: string; name: string } | undefined {
  const { managed_image_name: name, managed_image_resource_group_name: group } = config;
  return name && group ? { group, name } : undefined;
}

function unchecked(what: string) {
  return internalError(`azure-arm: ${what} (the config checks reject this config)`);
}
