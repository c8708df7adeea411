import type { z } from "zod";
import type { CommunicatorConfig } from "../communicator/config";
import type { Artifact } from "../engine/artifact";
import type { BuildContext, BuilderRun } from "../engine/context";
import type { BuildReporter } from "../engine/events";
import type { Step } from "../engine/step";
import type { ImageStore } from "./image-store";

/**
 * Everything Kiln knows about one builder type, in one object: the parts every front end reads without
 * loading the builder (schema, checks, which fields are not image content, how the image is named and
 * tagged) and `load()` for the parts that bring a cloud SDK (steps, destroying an artifact, holding an
 * image for reuse, removing a killed build's leftovers). Every member is required: a builder that has
 * nothing to destroy or clean up says so with `null`, so a missing piece is a compile error rather than a
 * silent no-op in `pulumi destroy`, the janitor or `kiln cleanup`.
 */
export interface BuilderDescriptor<C extends BuilderConfigBase = BuilderConfigBase, S = unknown> {
  readonly type: string;
  /** One line saying what it does: the README's plugin table (`make generate`). */
  readonly summary: string;
  /** Validates the raw config (Packer's field names, a `.describe()` per field). Unknown fields are errors. */
  readonly schema: z.ZodType<C, unknown>;
  /** Extra checks that need the whole config (mutually exclusive fields…); return problems, not throw. */
  check(config: C): { field: string; message: string }[];
  /** Fields holding secrets (`secret_key`, `token`…): redacted from output and state. */
  readonly sensitiveFields: readonly string[];
  /** Fields that do not change what is in the image (credentials, endpoints): left out of the fingerprint. */
  readonly notContent: readonly string[];
  /** Local files the build reads (user_data_file…), part of the content fingerprint. */
  localInputs(config: C, baseDir: string): string[];
  /** The camelCase key selecting this builder in the inline resource form (`amazonEbs`); null: templates only. */
  readonly inlineKey: string | null;
  /** How the image is named and tagged, for resources that re-label in place; null: the artifact is no image. */
  readonly labels: ImageLabels | null;
  /** Regions a build with this config leaves resources in, for cleanup by build ID; null: it leaves none. */
  leftoverRegions: ((config: Readonly<Record<string, unknown>>) => readonly string[]) | null;
  /** The parts that load the cloud SDK: the engine loads them when a build runs, never to validate. */
  load(): Promise<BuilderRuntime<C, S>>;
}

/** Fields naming and tagging the image. The Pulumi resource re-applies them in place instead of rebaking. */
export interface ImageLabels {
  /** Field holding the image name; the inline form makes it unique with a suffix. */
  readonly nameField: string;
  /** Tag maps on the image and on its snapshots: top-level `tags` merge under each; update re-applies them. */
  readonly tagFields: { readonly image: string; readonly snapshots: string };
  /** Every labelling field (name, tags, run tags…): outside the resource's fingerprint. */
  readonly fields: readonly string[];
}

/**
 * A builder's steps around provisioning: `setup` starts the machine and sets `ctx.machine`; `capture`
 * turns it into an image and sets `ctx.artifact`. Every step owns its cleanup.
 */
export interface BuilderRuntime<C extends BuilderConfigBase = BuilderConfigBase, S = unknown> {
  newState(config: C, ctx: BuildContext): S;
  setupSteps(config: C): Step<BuilderRun<C, S>>[];
  captureSteps(config: C): Step<BuilderRun<C, S>>[];
  /**
   * Looks for an artifact built earlier from the same inputs (tagged with the fingerprint), so a build
   * can reuse it instead of baking again. Null when the builder cannot tell.
   */
  readonly findExisting: ((config: C, ctx: BuildContext, signal: AbortSignal) => Promise<Artifact | undefined>) | null;
  /** Deletes an artifact; null: the builder makes nothing that outlives the build. */
  readonly destroy: ArtifactDestroyer | null;
  /** Holds, re-tags and checks images for the Pulumi resource; null: the artifact is no stored image. */
  readonly images: ImageStore | null;
  /** Removes what a killed build left in one region, found by its build ID; null when it leaves nothing. */
  readonly leftovers: LeftoverCleaner | null;
}

/** A loaded builder: its descriptor's static parts and its runtime, as the engine uses it. */
export type Builder<C extends BuilderConfigBase = BuilderConfigBase, S = unknown> = Omit<
  BuilderDescriptor<C, S>,
  "load"
> &
  BuilderRuntime<C, S>;

/** Deletes what an artifact consists of (every image in every region, its snapshots). */
export type ArtifactDestroyer = (
  artifact: Artifact,
  options: { readonly signal: AbortSignal; readonly reporter?: BuildReporter; readonly config?: unknown },
) => Promise<void>;

export interface LeftoverCleanupOptions {
  /** The `kiln:build-id` tag value of the build that was killed. */
  readonly buildId: string;
  readonly region: string;
  /** Credentials and endpoint fields of the builder's config; the standard chain if absent. */
  readonly config?: unknown;
  readonly signal: AbortSignal;
  readonly reporter?: Pick<BuildReporter, "info" | "warn">;
}

/** What a leftover cleanup removed, by kind (`instances`, `images`…). */
export type LeftoverReport = Readonly<Record<string, readonly string[]>>;

export type LeftoverCleaner = (options: LeftoverCleanupOptions) => Promise<LeftoverReport>;

/** Fields every builder accepts: builders spread `communicatorShape` into their schema. */
export type BuilderConfigBase = CommunicatorConfig;
