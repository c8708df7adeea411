import type { Builder } from "../types";
import type { EbsConfig } from "./config";
import { amazonEbsDescriptor } from "./descriptor";
import { amazonEbsRuntime } from "./runtime";
import type { EbsState } from "./state";

export type { EbsArtifactDetails } from "./artifact";
export { cleanupLeftovers, type LeftoverReport } from "./cleanup";
export { onAwsClient } from "./clients";
export { type EbsConfig, ebsSchemas } from "./config";
export { type AmazonAmiData, lookupAmazonAmi } from "./data-ami";
export { amazonAmiDataSchema } from "./data-ami-schema";
export { destroyEbsArtifact } from "./destroy";
export { BUILD_ID_TAG, FINGERPRINT_TAG } from "./tags";

/** The whole builder, loaded: for programs that drive its steps themselves (tests of killed builds). */
export const amazonEbsBuilder: Builder<EbsConfig, EbsState> = { ...amazonEbsDescriptor, ...amazonEbsRuntime };
