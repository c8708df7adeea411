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

/** A problem a cross-field check found: the field to name and what is wrong. */
export interface PluginProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Everything Kiln knows about one provisioner type without running it. Every member is required: a
 * provisioner with no cross-field checks or no secrets says so (`check: null`, `sensitiveFields: []`), so
 * a missing piece is a compile error in `PROVISIONERS`, not a silent default.
 */
export interface ProvisionerDescriptor<C = unknown> {
  readonly type: string;
  /** One line saying what it does: the README's plugin table (`make generate`). */
  readonly summary: string;
  /** Validates the raw config (a `.describe()` per field); strict, so unknown fields are errors. */
  readonly schema: z.ZodType<C, unknown>;
  /** Cross-field checks (exactly one of inline/script/scripts…); null: the schema says it all. */
  readonly check: ((config: C) => PluginProblem[]) | null;
  /** Fields holding secrets: redacted from output and state. */
  readonly sensitiveFields: readonly string[];
  /** Local files whose bytes go to the machine or run: part of the content fingerprint. */
  localInputs(config: C, baseDir: string): string[];
  /** The part that runs, loaded when a build runs it. */
  load(): Promise<ProvisionerRuntime<C>>;
}

export interface ProvisionerRuntime<C = unknown> {
  run(config: C, context: ProvisionContext, signal: AbortSignal): Promise<void>;
}

/** A loaded provisioner, as the engine runs it. */
export type Provisioner<C = unknown> = Omit<ProvisionerDescriptor<C>, "load"> & ProvisionerRuntime<C>;

/** The descriptor of a provisioner that loads nothing heavy: its runtime is itself. */
export function eagerProvisioner<C>(provisioner: Provisioner<C>): ProvisionerDescriptor<C> {
  return { ...provisioner, load: async () => provisioner };
}
