import { StepPipeline } from "../../engine/typed-step";
import type { BuilderRuntime } from "../types";
import { cleanupAzureLeftovers } from "./cleanup";
import { AzureClients } from "./clients";
import type { AzureArmConfig } from "./config";
import { destroyAzureArtifact } from "./destroy";
import { findExistingAzureImage } from "./find-existing";
import { azureArmStore } from "./image-store";
import { tempNames } from "./names";
import type { AzureInitialFields, AzureRun, AzureState } from "./state";
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

/** The steps that start the build VM, in order; each owns its cleanup. */
const setup = StepPipeline.from<AzureRun, AzureInitialFields>()
  .step(authenticateStep)
  .step(preValidateStep)
  .step(resourceGroupStep)
  .step(sourceImageStep)
  .step(networkStep)
  .step(publicIpStep)
  .step(nicStep)
  .step(sshKeyStep)
  .step(virtualMachineStep);
const capture = setup
  .continued()
  .step(generalizeStep)
  .step(managedImageStep)
  .step(galleryVersionStep)
  .step(finalizeStep);

export function azureSetupSteps() {
  return setup.steps;
}

/** The steps that turn the provisioned VM into the artifact. */
export function azureCaptureSteps() {
  return capture.steps;
}

export function newAzureState(config: AzureArmConfig, ctx: { buildId: string }): AzureState {
  return {
    clients: new AzureClients(config),
    names: tempNames(config, ctx.buildId),
    tags: buildTags(config.azure_tags, ctx.buildId),
  };
}

/** The azure-arm steps and the parts that reach Azure outside a build. */
export const azureArmRuntime: BuilderRuntime<AzureArmConfig, AzureState> = {
  newState: newAzureState,
  setupSteps: azureSetupSteps,
  captureSteps: azureCaptureSteps,
  findExisting: findExistingAzureImage,
  destroy: destroyAzureArtifact,
  images: azureArmStore,
  leftovers: cleanupAzureLeftovers,
};
