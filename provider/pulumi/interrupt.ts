import { CancelledError } from "../engine/errors";

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * When Pulumi is cancelled it sends SIGINT to its plugins and kills them a few seconds later. By default
 * that would kill the provider host mid-build and leak the instance, key pair and security group. While
 * any operation runs, a signal instead aborts every running operation, so each build runs its cleanups;
 * once the last one has finished the signal is raised again and the process ends as it would have.
 */
const running = new Set<AbortController>();
let received: NodeJS.Signals | undefined;

function onSignal(signal: NodeJS.Signals): void {
  if (received) return;
  received = signal;
  process.stderr.write(`[kiln] ${signal} received: cancelling, removing what the build created…\n`);
  for (const controller of running) controller.abort(new CancelledError(`interrupted by ${signal}`));
}

/** Runs `operation` with a signal that fires on SIGINT/SIGTERM/SIGHUP. */
export async function interruptible<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  if (running.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  running.add(controller);
  if (received) controller.abort(new CancelledError(`interrupted by ${received}`));
  try {
    return await operation(controller.signal);
  } finally {
    running.delete(controller);
    if (running.size === 0) {
      for (const s of SIGNALS) process.off(s, onSignal);
      const signal = received;
      received = undefined;
      // Let the error reach the host first, then end the way the signal would have.
      if (signal) setImmediate(() => process.kill(process.pid, signal));
    }
  }
}
