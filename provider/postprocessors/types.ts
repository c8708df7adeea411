import type { z } from "zod";
import type { Artifact } from "../engine/artifact";
import type { BuildContext } from "../engine/context";
import type { PluginProblem } from "../provisioners/types";

export interface PostProcessContext {
  readonly ctx: BuildContext;
  readonly step: string;
  readonly output: (stream: "stdout" | "stderr", line: string) => void;
}

/**
 * Everything Kiln knows about one post-processor type without running it; every member is required
 * (`check: null`, `sensitiveFields: []` when there is nothing), so a missing piece is a compile error in
 * `POST_PROCESSORS`. `load()` brings the part that may pull in a cloud SDK.
 */
export interface PostProcessorDescriptor<C = unknown> {
  readonly type: string;
  /** One line saying what it does: the README's plugin table (`make generate`). */
  readonly summary: string;
  /** Validates the raw config (a `.describe()` per field); strict, so unknown fields are errors. */
  readonly schema: z.ZodType<C, unknown>;
  readonly check: ((config: C) => PluginProblem[]) | null;
  /** Fields holding secrets (`secret_key`…): redacted from output and state. */
  readonly sensitiveFields: readonly string[];
  localInputs(config: C, baseDir: string): string[];
  load(): Promise<PostProcessorRuntime<C>>;
}

export interface PostProcessorRuntime<C = unknown> {
  /** Returns the artifact the next post-processor in the chain receives (often the input, unchanged). */
  run(config: C, artifact: Artifact, context: PostProcessContext, signal: AbortSignal): Promise<Artifact>;
}

/** A loaded post-processor, as the engine runs it. */
export type PostProcessor<C = unknown> = Omit<PostProcessorDescriptor<C>, "load"> & PostProcessorRuntime<C>;

/** The descriptor of a post-processor that loads nothing heavy: its runtime is itself. */
export function eagerPostProcessor<C>(postProcessor: PostProcessor<C>): PostProcessorDescriptor<C> {
  return { ...postProcessor, load: async () => postProcessor };
}
