import { z } from "zod";
import { communicatorShape } from "../../communicator/config";
import { singleBlock } from "../../util/blocks";
import { duration } from "../../util/duration";

const tagMap = z.record(z.string(), z.string());
const name = z.string().min(1);

/** Who Kiln is in Azure: shared by the builder, `destroy`, `cleanup` and the image store. */
export const azureAccessShape = {
  /** @default - AZURE_SUBSCRIPTION_ID */
  subscription_id: z.uuid().optional(),
  /** Service principal (with `client_secret` or `client_cert_path`), or a user-assigned managed identity alone. */
  client_id: name.optional(),
  client_secret: name.optional(),
  /** PEM file holding the service principal's certificate and private key. */
  client_cert_path: name.optional(),
  /** Directory (tenant) of the service principal. @default - AZURE_TENANT_ID */
  tenant_id: name.optional(),
  /** Use the Azure CLI's login (`az login`). @default false */
  use_azure_cli_auth: z.boolean().optional(),
  /** How long one long-running operation (a VM create, an image capture) may take. @default "15m" */
  polling_duration_timeout: duration.optional(),
} as const;

/** `shared_image_gallery { … }`: a gallery image version to start from. */
const sourceGallery = z.strictObject({
  /** @default - subscription_id */
  subscription: name.optional(),
  resource_group: name,
  gallery_name: name,
  image_name: name,
  /** @default "latest" */
  image_version: name.optional(),
});

/** `shared_image_gallery_destination { … }`: publish the image as a version of a gallery image definition. */
const destinationGallery = z.strictObject({
  /** @default - subscription_id */
  subscription: name.optional(),
  resource_group: name,
  gallery_name: name,
  image_name: name,
  /** `major.minor.patch`. */
  image_version: z.string().regex(/^\d+\.\d+\.\d+$/, "must be major.minor.patch, e.g. 1.0.0"),
  /** Regions the version is replicated to, besides the build location. */
  replication_regions: z.array(name).optional(),
  /** @default "Standard_LRS" */
  storage_account_type: z.enum(["Standard_LRS", "Standard_ZRS", "Premium_LRS"]).optional(),
});

/** Packer's azure-arm admin user when `ssh_username` is not set. */
export const DEFAULT_SSH_USERNAME = "packer";

export const azureArmSchema = z.strictObject({
  ...communicatorShape,
  ...azureAccessShape,
  /** The VM's admin user, who logs in with the temporary key. @default "packer" */
  ssh_username: name.default(DEFAULT_SSH_USERNAME),

  // Where the build machine runs.
  /** Azure region of the temporary resource group and VM (`East US` or `eastus`). Set this or build_resource_group_name. */
  location: name.optional(),
  /** An existing resource group to build in; Kiln then deletes each temporary resource, not the group. */
  build_resource_group_name: name.optional(),
  /** @default "kiln-rg-<build id>" */
  temp_resource_group_name: name.optional(),
  /** Name of the temporary VM (and the prefix of its resources). @default "kilnvm<build id>" */
  temp_compute_name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/, "must be letters, digits and hyphens, at most 63")
    .optional(),
  /** @default "Standard_A1" */
  vm_size: name.optional(),
  /** Kiln builds Linux images. @default "Linux" */
  os_type: z.literal("Linux").optional(),
  /** Size of the OS disk in GiB. @default - the image's */
  os_disk_size_gb: z.number().int().min(1).optional(),
  /** Tags on every resource the build creates and on the image. */
  azure_tags: tagMap.optional(),

  // What the VM boots from: a marketplace image, a managed image, or a gallery image version.
  image_publisher: name.optional(),
  image_offer: name.optional(),
  image_sku: name.optional(),
  /** @default "latest" */
  image_version: name.optional(),
  custom_managed_image_name: name.optional(),
  custom_managed_image_resource_group_name: name.optional(),
  shared_image_gallery: singleBlock(sourceGallery).optional(),

  // Network: temporary, or an existing subnet.
  virtual_network_name: name.optional(),
  virtual_network_subnet_name: name.optional(),
  /** @default - the build resource group */
  virtual_network_resource_group_name: name.optional(),
  /** With an existing network: still give the VM a public IP. @default false */
  private_virtual_network_with_public_ip: z.boolean().optional(),

  // The result: a managed image and/or a gallery image version.
  managed_image_name: z
    .string()
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,78}[a-zA-Z0-9_]$/, "must be 2–80 letters, digits, . _ -, not ending in . or -")
    .optional(),
  managed_image_resource_group_name: name.optional(),
  shared_image_gallery_destination: singleBlock(destinationGallery).optional(),
  /** Replicas of the gallery version per region. @default 1 */
  shared_image_gallery_replica_count: z.number().int().min(1).max(100).optional(),

  /** @default "ed25519" (Packer: "rsa"; modern OpenSSH rejects ssh-rsa signatures) */
  temporary_key_pair_type: z.enum(["ed25519", "rsa"]).optional(),
});

export type AzureArmConfig = z.infer<typeof azureArmSchema>;
export type SourceGallery = z.infer<typeof sourceGallery>;
export type DestinationGallery = z.infer<typeof destinationGallery>;

export const DEFAULT_VM_SIZE = "Standard_A1";
export const DEFAULT_POLLING_TIMEOUT_MS = 15 * 60_000;

/** Whether the build brings its own subnet. */
export function usesExistingNetwork(config: AzureArmConfig): boolean {
  return config.virtual_network_name !== undefined;
}

/** Whether the build creates a temporary resource group (no `build_resource_group_name`). */
export function usesTemporaryGroup(config: AzureArmConfig): boolean {
  return config.build_resource_group_name === undefined;
}

/** Cross-field checks Packer makes in its `Prepare`, naming the fields. */
export function checkAzureArmConfig(c: AzureArmConfig): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });

  if (!c.location && !c.build_resource_group_name) add("location", "is required (or set build_resource_group_name)");
  if (c.location && c.build_resource_group_name)
    add("build_resource_group_name", "cannot be set together with location (the group's location is used)");
  if (c.temp_resource_group_name && c.build_resource_group_name)
    add("temp_resource_group_name", "cannot be set together with build_resource_group_name");

  const marketplace = [c.image_publisher, c.image_offer, c.image_sku].filter((v) => v !== undefined).length;
  const sources = [marketplace > 0, c.custom_managed_image_name !== undefined, c.shared_image_gallery !== undefined];
  if (sources.filter(Boolean).length !== 1)
    add(
      "image_publisher",
      "set exactly one source: image_publisher/image_offer/image_sku, custom_managed_image_name, or shared_image_gallery",
    );
  if (marketplace > 0 && marketplace < 3) {
    for (const field of ["image_publisher", "image_offer", "image_sku"] as const)
      if (c[field] === undefined) add(field, "is required with the other image_* fields");
  }
  if (c.image_version && marketplace === 0)
    add("image_version", "applies only to a marketplace image (image_publisher…)");
  if ((c.custom_managed_image_name === undefined) !== (c.custom_managed_image_resource_group_name === undefined))
    add("custom_managed_image_resource_group_name", "custom_managed_image_name and its resource group go together");

  if (!c.managed_image_name && !c.shared_image_gallery_destination)
    add(
      "managed_image_name",
      "is required (or shared_image_gallery_destination); Kiln does not capture VHDs (capture_container_name)",
    );
  if ((c.managed_image_name === undefined) !== (c.managed_image_resource_group_name === undefined))
    add("managed_image_resource_group_name", "managed_image_name and managed_image_resource_group_name go together");
  if (c.shared_image_gallery_replica_count !== undefined && !c.shared_image_gallery_destination)
    add("shared_image_gallery_replica_count", "requires shared_image_gallery_destination");

  if (c.virtual_network_name && !c.virtual_network_subnet_name)
    add("virtual_network_subnet_name", "is required with virtual_network_name");
  for (const field of ["virtual_network_subnet_name", "virtual_network_resource_group_name"] as const)
    if (c[field] && !c.virtual_network_name) add(field, "requires virtual_network_name");
  if (c.private_virtual_network_with_public_ip && !c.virtual_network_name)
    add("private_virtual_network_with_public_ip", "requires virtual_network_name");

  if (c.client_secret && c.client_cert_path) add("client_cert_path", "cannot be set together with client_secret");
  if ((c.client_secret || c.client_cert_path) && !c.client_id)
    add("client_id", "is required with client_secret or client_cert_path");
  if (c.use_azure_cli_auth && (c.client_id || c.client_secret || c.client_cert_path))
    add("use_azure_cli_auth", "cannot be set together with client_id/client_secret/client_cert_path");
  if (c.communicator !== "none" && c.ssh_password !== undefined)
    add(
      "ssh_password",
      "is not supported: Kiln's Azure VMs take SSH keys only (a temporary key or ssh_private_key_file)",
    );
  return problems;
}
