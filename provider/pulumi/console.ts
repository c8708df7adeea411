import { formatMs } from "../engine/errors";
import type { BuildEvent, EventSink } from "../engine/events";

export interface ConsoleLine {
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

/**
 * One compact line per build event, `[kiln] build: text`. The dynamic provider host passes its console
 * output through to the `pulumi up` display (`pulumi.log` does not reach the engine from there), so
 * this is how build progress shows while the resource is being created. Event text is already redacted.
 */
export function formatEvent(event: BuildEvent): ConsoleLine | undefined {
  const at = `[kiln] ${event.build}:`;
  switch (event.type) {
    case "build-started":
      return {
        stream: "stdout",
        text: `${at} build started (temporary resources tagged kiln:build-id=${event.buildId})`,
      };
    case "step-started":
      return { stream: "stdout", text: `${at} ==> ${event.step}` };
    case "step-finished":
      return event.error ? { stream: "stderr", text: `${at} ${event.step} failed: ${event.error}` } : undefined;
    case "output":
      return { stream: event.stream, text: `${at}     ${event.line}` };
    case "message":
      return { stream: event.level === "info" ? "stdout" : "stderr", text: `${at} ${event.text}` };
    case "cleanup-started":
      return { stream: "stdout", text: `${at} cleaning up: ${event.step}` };
    case "cleanup-finished":
      return event.error
        ? { stream: "stderr", text: `${at} cleanup of ${event.step} failed: ${event.error}` }
        : undefined;
    case "artifact":
      return { stream: "stdout", text: `${at} artifact ${event.artifact.id || event.artifact.builderType}` };
    case "build-finished":
      return event.ok
        ? { stream: "stdout", text: `${at} finished after ${formatMs(event.durationMs)}` }
        : {
            stream: "stderr",
            text: `${at} errored after ${formatMs(event.durationMs)}: ${event.error ?? "unknown error"}`,
          };
  }
}

export type LineWriter = (line: ConsoleLine) => void;

/** Writes to the process's own stdout/stderr: what the provider host forwards to the display. */
export const processWriter: LineWriter = (line) => {
  (line.stream === "stderr" ? process.stderr : process.stdout).write(`${line.text}\n`);
};

/** An engine event sink that prints each event as a line. */
export function consoleSink(write: LineWriter = processWriter): EventSink {
  return (event) => {
    const line = formatEvent(event);
    if (line) write(line);
  };
}

/** A line of the resource's own (not a build's), e.g. what delete decided. */
export function say(write: LineWriter, text: string, stream: "stdout" | "stderr" = "stdout"): void {
  write({ stream, text: `[kiln] ${text}` });
}
