import { StepPipeline } from "../../engine/typed-step";
import type { BuilderRuntime } from "../types";
import { cleanupLeftovers } from "./cleanup";
import { Ec2Clients } from "./clients";
import type { EbsConfig } from "./config";
import { destroyEbsArtifact } from "./destroy";
import { findExistingAmi } from "./find-existing";
import { amazonEbsStore } from "./image-store";
import { pollSettings } from "./polling";
import type { EbsInitialFields, EbsRun, EbsState, EbsTypedStep } from "./state";
import { cleanupVolumesStep } from "./step-cleanup-volumes";
import { copyRegionsStep } from "./step-copy-regions";
import { createAmiStep } from "./step-create-ami";
import { deregisterAmiStep } from "./step-deregister-ami";
import { encryptBootStep } from "./step-encrypt-boot";
import { finalizeStep } from "./step-finalize";
import { keyPairStep } from "./step-key-pair";
import { modifyAttributesStep } from "./step-modify-attributes";
import { networkStep } from "./step-network";
import { preValidateStep } from "./step-pre-validate";
import { runInstanceStep } from "./step-run-instance";
import { securityGroupStep } from "./step-security-group";
import { sourceAmiStep } from "./step-source-ami";
import { stopInstanceStep } from "./step-stop-instance";

/** First step, last cleanup: closes the AWS clients' connections once every other cleanup is done. */
const clientsStep: EbsTypedStep = {
  name: "amazon-ebs: AWS clients",
  needs: [],
  provides: [],
  async run() {},
  async cleanup({ state }) {
    state.ec2.destroy();
  },
};

/**
 * The steps in order. A step whose `needs` no earlier step `provides` fails to compile here: run-instance
 * before source-AMI, say (`"sourceImage"` is not assignable to the fields provided so far).
 */
const setup = StepPipeline.from<EbsRun, EbsInitialFields>()
  .step(clientsStep)
  .step(preValidateStep)
  .step(sourceAmiStep)
  .step(networkStep)
  .step(keyPairStep)
  .step(securityGroupStep)
  .step(cleanupVolumesStep)
  .step(runInstanceStep);
const capture = setup
  .continued()
  .step(stopInstanceStep)
  .step(deregisterAmiStep)
  .step(createAmiStep)
  .step(encryptBootStep)
  .step(copyRegionsStep)
  .step(modifyAttributesStep)
  .step(finalizeStep);

/** The amazon-ebs steps and the parts that reach AWS outside a build. */
export const amazonEbsRuntime: BuilderRuntime<EbsConfig, EbsState> = {
  newState: (config) => ({ ec2: new Ec2Clients(config), poll: pollSettings(config.aws_polling), copies: new Map() }),
  setupSteps: () => setup.steps,
  captureSteps: () => capture.steps,
  findExisting: findExistingAmi,
  destroy: destroyEbsArtifact,
  images: amazonEbsStore,
  leftovers: cleanupLeftovers,
};
