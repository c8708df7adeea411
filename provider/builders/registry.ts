import { amazonEbsBuilder, destroyEbsArtifact } from "./amazon-ebs";
import { nullBuilder } from "./null";
import type { ArtifactDestroyer, Builder } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each builder has its own config and state types
type AnyBuilder = Builder<any, any>;

/** Builders by Packer type name. */
export const builders: Readonly<Record<string, AnyBuilder>> = {
  null: nullBuilder,
  "amazon-ebs": amazonEbsBuilder,
};

/** How to delete an artifact, by the builder type that made it (absent: nothing to delete). */
export const destroyers: Readonly<Record<string, ArtifactDestroyer>> = {
  "amazon-ebs": destroyEbsArtifact,
};
