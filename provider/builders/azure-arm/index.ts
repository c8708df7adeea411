import type { Builder } from "../types";
import { AzureClients } from "./clients";
import { type AzureArmConfig, azureArmSchema, checkAzureArmConfig } from "./config";
import { AZURE_ACCESS_FIELDS, AZURE_SENSITIVE_FIELDS } from "./fields";
import { findExistingAzureImage } from "./find-existing";
import { tempNames } from "./names";
import type { AzureState } from "./state";
import { authenticateStep } from "./step-authenticate";
import { finalizeStep } from "./step-finalize";
import { galleryVersionStep } from "./step-gallery-version";
import { generalizeStep } from "./step-generalize";
import { managedImageStep } from "./step-managed-image";
import { networkStep } from "./step-network";
import { nicStep } from "./step-nic";
import { preValidateStep } from "./step-pre-validate";
import { publicIpStep } from "./step-public-ip";
import { resourceGroupStep } from "./step-resource-group";
import { sourceImageStep } from "./step-source-image";
import { sshKeyStep } from "./step-ssh-key";
import { virtualMachineStep } from "./step-vm";
import { buildTags } from "./tags";

export type { AzureArtifactDetails } from "./artifact";
export { parseAzureDetails } from "./artifact";
export { type AzureLeftoverReport, cleanupAzureLeftovers } from "./cleanup";
export { AzureClients, accessFrom as azureAccessFrom } from "./clients";
export { type AzureArmConfig, azureArmSchema, checkAzureArmConfig } from "./config";
export { destroyAzureArtifact } from "./destroy";
export { findExistingAzureImage } from "./find-existing";

/** The steps that start the build VM, in order; each owns its cleanup. */
export function azureSetupSteps() {
  return [
    authenticateStep,
    preValidateStep,
    resourceGroupStep,
    sourceImageStep,
    networkStep,
    publicIpStep,
    nicStep,
    sshKeyStep,
    virtualMachineStep,
  ];
}

/** The steps that turn the provisioned VM into the artifact. */
export function azureCaptureSteps() {
  return [generalizeStep, managedImageStep, galleryVersionStep, finalizeStep];
}

export function newAzureState(config: AzureArmConfig, ctx: { buildId: string }): AzureState {
  return {
    clients: new AzureClients(config),
    names: tempNames(config, ctx.buildId),
    tags: buildTags(config.azure_tags, ctx.buildId),
  };
}

/**
 * Packer's `azure-arm`: a temporary resource group, network and VM from a marketplace, managed or gallery
 * image; provision; deallocate and generalize; capture a managed image and/or a gallery image version;
 * delete everything temporary. Every resource carries `azure_tags` and the build ID.
 */
export const azureArmBuilder: Builder<AzureArmConfig, AzureState> = {
  type: "azure-arm",
  schema: azureArmSchema,
  check: checkAzureArmConfig,
  sensitiveFields: AZURE_SENSITIVE_FIELDS,
  // How Kiln reaches Azure and the VM does not change the image. Tags and the image name stay in: a
  // reused image must already carry what the config asks for.
  fingerprintExclude: AZURE_ACCESS_FIELDS,
  newState: newAzureState,
  setupSteps: azureSetupSteps,
  captureSteps: azureCaptureSteps,
  findExisting: findExistingAzureImage,
};
