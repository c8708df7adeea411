import type { Artifact } from "../engine/artifact";
import {
  INLINE_BUILDERS,
  type InlineBuilderKey,
  type BakedImageArgs as PlainBakedImageArgs,
} from "../generated/plain-args";

/**
 * The args with every Input resolved: what the provider receives. The generated plain args (the same as
 * `pulumi.Unwrap<BakedImageArgs>`, a test holds them equal), so the `kiln` CLI and the CDKTF constructs
 * that share these types need no @pulumi/pulumi.
 */
export type ResolvedArgs = PlainBakedImageArgs;

/** The dynamic resource's inputs: the args plus what the program computes before registering it. */
export interface BakedImageInputs extends ResolvedArgs {
  readonly sourceName: string;
  /** Content fingerprint, computed in the program so `diff` needs no file access. */
  readonly fingerprint: string;
  /** Every value the program passed as a Pulumi secret, for redaction (a secret input itself). */
  readonly sensitiveValues: readonly string[];
  /** `project/stack/resource`, written on the image so people can see which stacks hold it. */
  readonly owner: string;
}

/** Where an image came from, which config deletes it, and who else holds it. Stored in state. */
export interface BakedImageState {
  /** Resource-unique key of this holder, written as a tag on the image (`kiln:pulumi:holder:<key>`). */
  readonly holder: string;
  /** The image was found from an earlier bake rather than baked by this resource. */
  readonly adopted: boolean;
  /** What `destroyArtifact` needs: AMIs and snapshots per region. */
  readonly artifact: Artifact;
  /** The source as built (Packer fields, secrets included): credentials and endpoint for delete/update. */
  readonly source: { readonly type: string; readonly name: string; readonly config: Record<string, unknown> };
}

/** Computed outputs, besides the inputs (which are kept too: the host gives `diff` and `update` only outputs). */
export interface BakedImageOutputValues extends BakedImageState {
  /** The image in the build region (an AMI ID). */
  readonly imageId: string;
  /** Packer's artifact ID: `region:ami-1,region:ami-2`. */
  readonly artifactId: string;
  /** Region → image ID. */
  readonly images: Readonly<Record<string, string>>;
  readonly snapshotIds: readonly string[];
  /** The image's name as created (with its unique suffix). */
  readonly imageName: string;
  /** `type.name` of the source built. */
  readonly buildName: string;
  /** When this resource baked or adopted the image (RFC 3339). */
  readonly buildTime: string;
  /** Packer's `packer-manifest.json` for this build, as JSON text. Secret: it may carry custom data. */
  readonly manifest: string;
}

export type BakedImageOutputs = BakedImageInputs & BakedImageOutputValues;

/**
 * Input property names: each inline builder's key (from the generated INLINE_BUILDERS, so a new builder
 * is not named here), then the resource's own arguments and what the program computes.
 */
export const INPUT_KEYS = [
  ...(Object.keys(INLINE_BUILDERS) as InlineBuilderKey[]),
  "sourceName",
  "provisioners",
  "errorCleanupProvisioner",
  "postProcessors",
  "tags",
  "template",
  "vars",
  "varFiles",
  "only",
  "except",
  "baseDir",
  "timeout",
  "retainOnDelete",
  "reuse",
  "sshSession",
  "fingerprint",
  "sensitiveValues",
  "owner",
] as const satisfies readonly (keyof BakedImageInputs)[];

/** An input left out of INPUT_KEYS would never be compared or echoed: this type is `never` only when none is. */
export type UncomparedInput = Exclude<keyof BakedImageInputs, (typeof INPUT_KEYS)[number]>;

/** Outputs that may carry secret values; marked with `additionalSecretOutputs`. */
export const SECRET_OUTPUTS = ["manifest", "source", "sensitiveValues"] as const;

/** The value Pulumi passes for inputs not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value, at any depth, is not known yet. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}
