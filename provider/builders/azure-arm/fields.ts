/**
 * Which azure-arm fields are not image content, kept apart from the builder (and the Azure SDK it loads)
 * so the Pulumi program side can read them cheaply.
 */

/** Where and as whom Kiln calls Azure, and how it reaches the build VM. */
export const AZURE_ACCESS_FIELDS = [
  "subscription_id",
  "client_id",
  "client_secret",
  "client_cert_path",
  "tenant_id",
  "use_azure_cli_auth",
  "polling_duration_timeout",
  "build_resource_group_name",
  "temp_resource_group_name",
  "temp_compute_name",
  "virtual_network_name",
  "virtual_network_subnet_name",
  "virtual_network_resource_group_name",
  "private_virtual_network_with_public_ip",
  "temporary_key_pair_type",
] as const;

/** Labels on the image and the temporary resources: re-applied in place rather than rebaked. */
export const AZURE_LABEL_FIELDS = ["managed_image_name", "azure_tags"] as const;

/** Secrets: redacted from output and state. */
export const AZURE_SENSITIVE_FIELDS = ["client_secret"] as const;
