import type { Builder } from "../types";
import { Ec2Clients } from "./clients";
import { checkEbsConfig, type EbsConfig, ebsSchema } from "./config";
import { EBS_ACCESS_FIELDS } from "./fields";
import { findExistingAmi } from "./find-existing";
import { userDataPath } from "./launch-spec";
import { pollSettings } from "./polling";
import type { EbsState, EbsStep } from "./state";
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

export type { EbsArtifactDetails } from "./artifact";
export { cleanupLeftovers, type LeftoverReport } from "./cleanup";
export { onAwsClient } from "./clients";
export { type EbsConfig, ebsSchema } from "./config";
export { type AmazonAmiData, amazonAmiDataSchema, lookupAmazonAmi } from "./data-ami";
export { destroyEbsArtifact } from "./destroy";
export { BUILD_ID_TAG, FINGERPRINT_TAG } from "./tags";

/** First step, last cleanup: closes the AWS clients' connections once every other cleanup is done. */
const clientsStep: EbsStep = {
  name: "amazon-ebs: AWS clients",
  async run() {},
  async cleanup({ state }) {
    state.ec2.destroy();
  },
};

/**
 * Packer's `amazon-ebs`: launch an instance from a source AMI, provision it, stop it, make an AMI,
 * copy it to other regions. Every step owns its cleanup; every temporary resource carries the build ID.
 */
export const amazonEbsBuilder: Builder<EbsConfig, EbsState> = {
  type: "amazon-ebs",
  schema: ebsSchema,
  check: checkEbsConfig,
  sensitiveFields: ["secret_key", "token"],
  // How Kiln reaches AWS and the instance does not change the image. Tags and sharing stay in: a reused
  // AMI must already carry the tags and launch permissions the config asks for.
  fingerprintExclude: EBS_ACCESS_FIELDS,
  localInputs: (config, baseDir) => {
    const file = userDataPath(config, baseDir);
    return file ? [file] : [];
  },
  newState: (config) => ({ ec2: new Ec2Clients(config), poll: pollSettings(config.aws_polling), copies: new Map() }),
  setupSteps: () => [
    clientsStep,
    preValidateStep,
    sourceAmiStep,
    networkStep,
    keyPairStep,
    securityGroupStep,
    cleanupVolumesStep,
    runInstanceStep,
  ],
  captureSteps: () => [
    stopInstanceStep,
    deregisterAmiStep,
    createAmiStep,
    encryptBootStep,
    copyRegionsStep,
    modifyAttributesStep,
    finalizeStep,
  ],
  findExisting: findExistingAmi,
};
