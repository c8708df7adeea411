import { lazyRegistry } from "../util/lazy-registry";
import { nullBuilder } from "./null";
import type { ArtifactDestroyer, Builder } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each builder has its own config and state types
type AnyBuilder = Builder<any, any>;
// Loaded on first use: the AWS SDK costs a fifth of a second at start-up.
const amazonEbs = () => import("./amazon-ebs");
const azureArm = () => import("./azure-arm");

/** Builders by Packer type name. */
export const builders = lazyRegistry<AnyBuilder>({
  null: () => nullBuilder,
  "amazon-ebs": async () => (await amazonEbs()).amazonEbsBuilder,
  "azure-arm": async () => (await azureArm()).azureArmBuilder,
});

/** How to delete an artifact, by the builder type that made it (absent: nothing to delete). */
export const destroyers = lazyRegistry<ArtifactDestroyer>({
  "amazon-ebs": async () => (await amazonEbs()).destroyEbsArtifact,
  "azure-arm": async () => (await azureArm()).destroyAzureArtifact,
});
