import type { z } from "zod";
import type { Communicator } from "../communicator/types";
import type { BuildContext } from "../engine/context";

/** What a provisioner gets while it runs: the build, its channel to the machine, and where to stream output. */
export interface ProvisionContext {
  readonly ctx: BuildContext;
  /** Undefined with `communicator = "none"`; remote provisioners reject that in `run`. */
  readonly communicator?: Communicator;
  /** Step name for events, e.g. `provisioner shell #3`. */
  readonly step: string;
  readonly output: (stream: "stdout" | "stderr", line: string) => void;
}

export interface Provisioner<C = unknown> {
  readonly type: string;
  /** Validates the raw config; strict, so unknown fields are errors. */
  readonly schema: z.ZodType<C, unknown>;
  /** Cross-field checks (exactly one of inline/script/scripts…). */
  check?(config: C): { field: string; message: string }[];
  /** Local files whose bytes go to the machine or run: part of the content fingerprint. */
  localInputs(config: C, baseDir: string): string[];
  run(config: C, context: ProvisionContext, signal: AbortSignal): Promise<void>;
}
