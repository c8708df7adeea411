import { abortReason } from "../engine/abort";
import { CommandError, KilnError } from "../engine/errors";
import { LastLines } from "../util/lines";
import type { ProvisionContext } from "./types";

/** The communicator of a provisioner that needs the machine, or a clear error when there is none. */
export function requireCommunicator(context: ProvisionContext, type: string) {
  if (!context.communicator) {
    throw new KilnError(
      "COMMUNICATOR_REQUIRED",
      `the ${type} provisioner needs a communicator, but this source has communicator = "none"`,
      { context: { property: "communicator" } },
    );
  }
  return context.communicator;
}

export interface RemoteRunOptions {
  readonly validExitCodes: readonly number[];
  /** A dropped connection (the command rebooted the machine) counts as success. */
  readonly expectDisconnect: boolean;
}

/** Runs one remote command, streaming its output, and fails unless it ends in an accepted way. */
export async function runRemote(
  context: ProvisionContext,
  type: string,
  command: string,
  options: RemoteRunOptions,
  signal: AbortSignal,
): Promise<void> {
  const communicator = requireCommunicator(context, type);
  const stdoutTail = new LastLines();
  const stderrTail = new LastLines();
  const started = performance.now();
  const result = await communicator.exec(command, {
    signal,
    onStdout: (line) => {
      stdoutTail.push(line);
      context.output("stdout", line);
    },
    onStderr: (line) => {
      stderrTail.push(line);
      context.output("stderr", line);
    },
  });
  if (signal.aborted) throw abortReason(signal);
  if (result.disconnected && options.expectDisconnect) return;
  if (result.disconnected || result.exitCode === null || !options.validExitCodes.includes(result.exitCode)) {
    // Redacted, with every other error, where it leaves the build (engine/build.ts).
    throw new CommandError({
      command,
      host: communicator.endpoint,
      exitCode: result.exitCode,
      signal: result.exitSignal,
      disconnected: result.disconnected,
      durationMs: Math.round(performance.now() - started),
      stdoutTail: stdoutTail.text(),
      stderrTail: stderrTail.text(),
    });
  }
}
