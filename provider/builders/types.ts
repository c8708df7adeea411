import type { z } from "zod";
import type { CommunicatorConfig } from "../communicator/config";
import type { Artifact } from "../engine/artifact";
import type { BuildContext, BuilderRun } from "../engine/context";
import type { BuildReporter } from "../engine/events";
import type { Step } from "../engine/step";

/**
 * A builder turns a validated config into two step lists around provisioning: `setup` starts the
 * machine and sets `ctx.machine`; `capture` turns it into an image and sets `ctx.artifact`. Every step
 * owns its cleanup. Communicator fields (`ssh_*`) are part of the config and handled by the engine.
 */
export interface Builder<C extends BuilderConfigBase = BuilderConfigBase, S = unknown> {
  readonly type: string;
  /** Validates the raw config. Unknown fields are errors; the engine maps issues to file:line. */
  readonly schema: z.ZodType<C, unknown>;
  /** Extra checks that need the whole config (mutually exclusive fields…); return problems, not throw. */
  check?(config: C): { field: string; message: string }[];
  /** Fields holding secrets (`secret_key`, `token`…): redacted from output and state. */
  readonly sensitiveFields?: readonly string[];
  /** Fields that do not change what is in the image (tags, sharing): left out of the fingerprint. */
  readonly fingerprintExclude?: readonly string[];
  /** Local files the build reads (user_data_file…), part of the content fingerprint. */
  localInputs?(config: C, baseDir: string): string[];
  newState(config: C, ctx: BuildContext): S;
  setupSteps(config: C): Step<BuilderRun<C, S>>[];
  captureSteps(config: C): Step<BuilderRun<C, S>>[];
  /**
   * Looks for an artifact built earlier from the same inputs (tagged with the fingerprint), so a build
   * can reuse it instead of baking again. Undefined when none or when the builder cannot tell.
   */
  findExisting?(config: C, ctx: BuildContext, signal: AbortSignal): Promise<Artifact | undefined>;
}

/** Deletes what an artifact consists of (every image in every region, its snapshots). */
export type ArtifactDestroyer = (
  artifact: Artifact,
  options: { readonly signal: AbortSignal; readonly reporter?: BuildReporter; readonly config?: unknown },
) => Promise<void>;

/** Fields every builder accepts: builders spread `communicatorShape` into their schema. */
export type BuilderConfigBase = CommunicatorConfig;
