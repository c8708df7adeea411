import type { z } from "zod";
import type { Artifact } from "../engine/artifact";
import type { BuildContext } from "../engine/context";

export interface PostProcessContext {
  readonly ctx: BuildContext;
  readonly step: string;
  readonly output: (stream: "stdout" | "stderr", line: string) => void;
}

export interface PostProcessor<C = unknown> {
  readonly type: string;
  readonly schema: z.ZodType<C, unknown>;
  check?(config: C): { field: string; message: string }[];
  /** Fields holding secrets (`secret_key`…): redacted from output and state. */
  readonly sensitiveFields?: readonly string[];
  localInputs(config: C, baseDir: string): string[];
  /** Returns the artifact the next post-processor in the chain receives (often the input, unchanged). */
  run(config: C, artifact: Artifact, context: PostProcessContext, signal: AbortSignal): Promise<Artifact>;
}
