/** What a build (or a post-processor) produced. Plain JSON so it can live in a manifest or Pulumi state. */
export interface Artifact {
  /** The source's full name, `type.name` (Packer's `build.name` in the manifest is the source name). */
  readonly buildName: string;
  /** Builder or post-processor type that produced it, e.g. `amazon-ebs`, `null`, `checksum`. */
  readonly builderType: string;
  /** Packer's artifact ID: `region:ami-1,region:ami-2` for AMIs, the image ID elsewhere; empty for `null`. */
  readonly id: string;
  /** Local files the artifact consists of (Packer's `files`); empty when none. */
  readonly files: readonly string[];
  /** Builder-specific description, enough to destroy the artifact later (images per region, snapshots…). */
  readonly details: Readonly<Record<string, unknown>>;
}
