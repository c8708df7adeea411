import { throwIfAborted } from "./abort";
import { CleanupError, errorMessage, isCancellation, type SourceLocation, StepError } from "./errors";
import type { BuildReporter } from "./events";

/** How a build ended, as seen by the cleanups that run after it. */
export interface Outcome {
  readonly failed: boolean;
  readonly cancelled: boolean;
}

/**
 * One stage of a build. `run` creates something; `cleanup` undoes exactly what `run` created, reading
 * what it needs from the typed state `S` that `run` filled in. Cleanup is registered before `run` starts,
 * so a `run` that fails half-way is still undone: cleanups must tolerate partial work.
 */
export interface Step<S> {
  readonly name: string;
  /** Template position the step came from (provisioners, post-processors), for error messages. */
  readonly where?: SourceLocation;
  run(state: S, signal: AbortSignal): Promise<void>;
  /** Runs after the pipeline ends, in reverse order, whether it succeeded, failed or was cancelled. */
  cleanup?(state: S, outcome: Outcome): Promise<void>;
}

/**
 * Packer's `-on-error`: `cleanup` undoes everything; `abort` leaves it all for inspection;
 * `run-cleanup-provisioner` runs the error-cleanup-provisioner, then leaves the rest.
 */
export type OnError = "cleanup" | "abort" | "run-cleanup-provisioner";

export interface RunStepsOptions<S> {
  readonly signal: AbortSignal;
  readonly reporter: BuildReporter;
  readonly onError?: OnError;
  /** Runs after a failure and before cleanups, for `run-cleanup-provisioner` and `error-cleanup-provisioner`. */
  readonly onFailure?: (state: S, error: StepError) => Promise<void>;
}

/**
 * Runs steps in order; on success, failure or cancellation runs the registered cleanups in reverse.
 * Rejects with a StepError naming the failed step, or a CleanupError when undo itself failed (so the
 * caller knows resources may be left). With `onError: "abort"` cleanups are skipped and listed instead.
 */
export async function runSteps<S>(steps: readonly Step<S>[], state: S, options: RunStepsOptions<S>): Promise<void> {
  const { signal, reporter } = options;
  const started: Step<S>[] = [];
  let failure: StepError | undefined;

  for (const [index, step] of steps.entries()) {
    if (signal.aborted) {
      failure = new StepError(reporter.build, step.name, signal.reason ?? "cancelled", step.where);
      break;
    }
    started.push(step);
    const t0 = Date.now();
    reporter.emit({ type: "step-started", step: step.name, index, total: steps.length });
    try {
      await step.run(state, signal);
      throwIfAborted(signal);
      reporter.emit({ type: "step-finished", step: step.name, durationMs: Date.now() - t0 });
    } catch (error) {
      const cause = signal.aborted && !isCancellation(error) ? (signal.reason ?? error) : error;
      failure = cause instanceof StepError ? cause : new StepError(reporter.build, step.name, cause, step.where);
      reporter.emit({
        type: "step-finished",
        step: step.name,
        durationMs: Date.now() - t0,
        error: errorMessage(cause),
      });
      break;
    }
  }

  if (failure && options.onFailure && !isCancellation(failure) && options.onError !== "abort") {
    try {
      await options.onFailure(state, failure);
    } catch (error) {
      reporter.warn(`error cleanup provisioner failed: ${errorMessage(error)}`);
    }
  }

  const outcome: Outcome = { failed: failure !== undefined, cancelled: failure ? isCancellation(failure) : false };
  // Packer: `abort` and `run-cleanup-provisioner` leave everything in place for debugging; a
  // cancellation always cleans up, since nobody is left to debug.
  if (failure && !outcome.cancelled && (options.onError === "abort" || options.onError === "run-cleanup-provisioner")) {
    const left = started.filter((s) => s.cleanup).map((s) => s.name);
    reporter.warn(`on-error=${options.onError}: skipping cleanup of ${left.length ? left.join(", ") : "nothing"}`);
    throw failure;
  }

  const cleanupFailures: { step: string; error: unknown }[] = [];
  for (const step of started.reverse()) {
    if (!step.cleanup) continue;
    reporter.emit({ type: "cleanup-started", step: step.name });
    try {
      await step.cleanup(state, outcome);
      reporter.emit({ type: "cleanup-finished", step: step.name });
    } catch (error) {
      cleanupFailures.push({ step: step.name, error });
      reporter.emit({ type: "cleanup-finished", step: step.name, error: errorMessage(error) });
    }
  }
  if (cleanupFailures.length) throw new CleanupError(reporter.build, cleanupFailures, failure);
  if (failure) throw failure;
}
