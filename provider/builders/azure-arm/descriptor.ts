import type { BuilderDescriptor } from "../types";
import { type AzureArmConfig, azureArmSchemas, checkAzureArmConfig } from "./config";
import { AZURE_ACCESS_FIELDS, AZURE_LABEL_FIELDS, AZURE_SENSITIVE_FIELDS } from "./fields";
import type { AzureState } from "./state";

/**
 * Packer's `azure-arm`: a temporary resource group, network and VM from a marketplace, managed or gallery
 * image; provision; deallocate and generalize; capture a managed image and/or a gallery image version;
 * delete everything temporary. This module stays free of the Azure SDK; `load()` brings the steps.
 */
export const azureArmDescriptor: BuilderDescriptor<AzureArmConfig, AzureState> = {
  type: "azure-arm",
  summary: "A managed image and/or a gallery image version captured from a Linux Azure VM.",
  // Built when first read: a run whose template names no azure-arm source never builds it.
  get schema() {
    return azureArmSchemas().azureArmSchema;
  },
  check: checkAzureArmConfig,
  sensitiveFields: AZURE_SENSITIVE_FIELDS,
  // How Kiln reaches Azure and the VM does not change the image. Tags and the image name stay in for the
  // CLI: a reused image must already carry what the config asks for.
  notContent: AZURE_ACCESS_FIELDS,
  localInputs: () => [],
  inlineKey: "azureArm",
  // Azure images have no separate snapshots: top-level tags go into `azure_tags` (on every resource).
  labels: {
    nameField: "managed_image_name",
    tagFields: { image: "azure_tags", snapshots: "azure_tags" },
    fields: AZURE_LABEL_FIELDS,
  },
  // Cleanup by build ID covers the whole subscription at once (tags are subscription-wide): one "region".
  leftoverRegions: (config) => [typeof config.subscription_id === "string" ? config.subscription_id : "subscription"],
  load: async () => (await import("./runtime")).azureArmRuntime,
};
