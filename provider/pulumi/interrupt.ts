import { CancelledError } from "../engine/errors";

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs operations with a signal that fires when the front end is told to stop: a process signal (both
 * front ends), or the engine's `Cancel` call (the provider plugin). Once interrupted it stays so: an
 * operation started afterwards is aborted at once, as the engine is shutting down.
 */
export class Interrupter {
  private readonly running = new Set<AbortController>();
  private reason: CancelledError | undefined;

  /** Runs `operation` with a signal that fires on `interrupt` (or fired already). */
  async run<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.running.add(controller);
    if (this.reason) controller.abort(this.reason);
    try {
      return await operation(controller.signal);
    } finally {
      this.running.delete(controller);
    }
  }

  /** Aborts every running operation (each build then runs its cleanups and fails with `reason`). */
  interrupt(reason: string, heard: string): void {
    if (this.reason) return;
    this.reason = new CancelledError(reason);
    process.stderr.write(`[kiln] ${heard}: cancelling, removing what the build created…\n`);
    for (const controller of this.running) controller.abort(this.reason);
  }

  get idle(): boolean {
    return this.running.size === 0;
  }
}

/**
 * When Pulumi is cancelled hard it sends SIGINT to its plugins and kills them a few seconds later. By
 * default that would kill the provider mid-build and leak the instance, key pair and security group.
 * While any operation runs, a signal instead aborts every running operation, so each build runs its
 * cleanups; once the last one has finished the signal is raised again and the process ends as it would have.
 */
const onSignals = new Interrupter();
let received: NodeJS.Signals | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (received) return;
  received = signal;
  onSignals.interrupt(`interrupted by ${signal}`, `${signal} received`);
}

/** Runs `operation` with a signal that fires on SIGINT/SIGTERM/SIGHUP. */
export async function interruptible<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (onSignals.idle) for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await onSignals.run(operation);
  } finally {
    if (onSignals.idle) {
      for (const s of SIGNALS) process.off(s, onSignal);
      const signal = received;
      // Let the error reach the host first, then end the way the signal would have.
      if (signal) setImmediate(() => process.kill(process.pid, signal));
    }
  }
}
