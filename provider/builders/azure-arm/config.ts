import { z } from "zod";
import { communicatorShape } from "../../communicator/config";
import { singleBlock } from "../../util/blocks";
import { duration } from "../../util/duration";
import { lazy } from "../../util/lazy";

/** Packer's azure-arm admin user when `ssh_username` is not set. */
export const DEFAULT_SSH_USERNAME = "packer";

/** The builder's schemas, built on first use (util/lazy.ts): the access fields and the whole source config. */
export const azureArmSchemas = lazy(() => {
  const tagMap = z.record(z.string(), z.string());
  const name = z.string().min(1);

  /** Who Kiln is in Azure: shared by the builder, `destroy`, `cleanup` and the image store. */
  const azureAccessShape = {
    subscription_id: z.uuid().optional().describe("@default - AZURE_SUBSCRIPTION_ID"),
    client_id: name
      .optional()
      .describe(
        "Service principal (with `client_secret` or `client_cert_path`), or a user-assigned managed identity alone.",
      ),
    client_secret: name
      .optional()
      .describe("The service principal's secret, with `client_id`; pass it as a sensitive variable."),
    client_cert_path: name.optional().describe("PEM file holding the service principal's certificate and private key."),
    tenant_id: name.optional().describe("Directory (tenant) of the service principal. @default - AZURE_TENANT_ID"),
    use_azure_cli_auth: z.boolean().optional().describe("Use the Azure CLI's login (`az login`). @default false"),
    polling_duration_timeout: duration
      .optional()
      .describe('How long one long-running operation (a VM create, an image capture) may take. @default "15m"'),
  } as const;

  /** `shared_image_gallery { … }`: a gallery image version to start from. */
  const sourceGallery = z.strictObject({
    subscription: name.optional().describe("Subscription of the gallery. @default - subscription_id"),
    resource_group: name.describe("Resource group of the gallery."),
    gallery_name: name.describe("Compute Gallery name."),
    image_name: name.describe("Image definition in the gallery."),
    image_version: name.optional().describe('Version to use. @default "latest"'),
  });

  /** `shared_image_gallery_destination { … }`: publish the image as a version of a gallery image definition. */
  const destinationGallery = z.strictObject({
    subscription: name.optional().describe("Subscription of the gallery. @default - subscription_id"),
    resource_group: name.describe("Resource group of the gallery."),
    gallery_name: name.describe("Compute Gallery name."),
    image_name: name.describe("Image definition the version is published under."),
    image_version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, "must be major.minor.patch, e.g. 1.0.0")
      .describe("`major.minor.patch`."),
    replication_regions: z
      .array(name)
      .optional()
      .describe("Regions the version is replicated to, besides the build location."),
    storage_account_type: z
      .enum(["Standard_LRS", "Standard_ZRS", "Premium_LRS"])
      .optional()
      .describe('Storage of the replicas. @default "Standard_LRS"'),
  });

  const azureArmSchema = z.strictObject({
    ...communicatorShape,
    ...azureAccessShape,
    ssh_username: name
      .default(DEFAULT_SSH_USERNAME)
      .describe('The VM\'s admin user, who logs in with the temporary key. @default "packer"'),

    // Where the build machine runs.
    location: name
      .optional()
      .describe(
        "Azure region of the temporary resource group and VM (`East US` or `eastus`). Set this or build_resource_group_name.",
      ),
    build_resource_group_name: name
      .optional()
      .describe("An existing resource group to build in; Kiln then deletes each temporary resource, not the group."),
    temp_resource_group_name: name
      .optional()
      .describe('Name of the temporary resource group. @default "kiln-rg-<build id>"'),
    temp_compute_name: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/, "must be letters, digits and hyphens, at most 63")
      .optional()
      .describe('Name of the temporary VM (and the prefix of its resources). @default "kilnvm<build id>"'),
    vm_size: name.optional().describe('Size of the build VM. @default "Standard_A1"'),
    os_type: z.literal("Linux").optional().describe('Kiln builds Linux images. @default "Linux"'),
    os_disk_size_gb: z.number().int().min(1).optional().describe("Size of the OS disk in GiB. @default - the image's"),
    azure_tags: tagMap.optional().describe("Tags on every resource the build creates and on the image."),

    // What the VM boots from: a marketplace image, a managed image, or a gallery image version.
    image_publisher: name.optional().describe("Marketplace image publisher, e.g. `Canonical`."),
    image_offer: name.optional().describe("Marketplace image offer, e.g. `0001-com-ubuntu-server-jammy`."),
    image_sku: name.optional().describe("Marketplace image SKU, e.g. `22_04-lts`."),
    image_version: name.optional().describe('Version to use. @default "latest"'),
    custom_managed_image_name: name.optional().describe("A managed image to start from (in the build location)."),
    custom_managed_image_resource_group_name: name
      .optional()
      .describe("Resource group of `custom_managed_image_name`."),
    shared_image_gallery: singleBlock(sourceGallery).optional().describe("A gallery image version to start from."),

    // Network: temporary, or an existing subnet.
    virtual_network_name: name.optional().describe("An existing virtual network to build in (no temporary network)."),
    virtual_network_subnet_name: name.optional().describe("The subnet of `virtual_network_name` the VM joins."),
    virtual_network_resource_group_name: name.optional().describe("@default - the build resource group"),
    private_virtual_network_with_public_ip: z
      .boolean()
      .optional()
      .describe("With an existing network: still give the VM a public IP. @default false"),

    // The result: a managed image and/or a gallery image version.
    managed_image_name: z
      .string()
      .regex(
        /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,78}[a-zA-Z0-9_]$/,
        "must be 2–80 letters, digits, . _ -, not ending in . or -",
      )
      .optional()
      .describe("Name of the managed image to capture (the inline Pulumi form adds a unique suffix)."),
    managed_image_resource_group_name: name
      .optional()
      .describe("Existing resource group the managed image is made in."),
    shared_image_gallery_destination: singleBlock(destinationGallery)
      .optional()
      .describe("Publish the image as a gallery image version, replicated to `replication_regions`."),
    shared_image_gallery_replica_count: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe("Replicas of the gallery version per region. @default 1"),

    temporary_key_pair_type: z
      .enum(["ed25519", "rsa"])
      .optional()
      .describe(
        'Type of the temporary SSH key. @default "ed25519" (Packer: "rsa"; modern OpenSSH rejects ssh-rsa signatures)',
      ),
  });
  return { sourceGallery, destinationGallery, azureArmSchema };
});

type AzureArmSchemas = ReturnType<typeof azureArmSchemas>;

export type AzureArmConfig = z.infer<AzureArmSchemas["azureArmSchema"]>;
export type SourceGallery = z.infer<AzureArmSchemas["sourceGallery"]>;
export type DestinationGallery = z.infer<AzureArmSchemas["destinationGallery"]>;

export const DEFAULT_VM_SIZE = "Standard_A1";
export const DEFAULT_POLLING_TIMEOUT_MS = 15 * 60_000;

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
