import type { Artifact } from "./artifact";

/**
 * What a build reports while it runs. The CLI renders these, `--json` prints them one per line, and the
 * IaC resources stream them to the deployment display. Text in events is already redacted.
 */
export type BuildEvent =
  | {
      readonly type: "build-started";
      readonly build: string;
      /** Tag value (`kiln:build-id`) on every resource this build creates: how leftovers of a killed build are found. */
      readonly buildId: string;
      readonly time: number;
    }
  | {
      readonly type: "step-started";
      readonly build: string;
      readonly step: string;
      readonly index: number;
      readonly total: number;
      readonly time: number;
    }
  | {
      readonly type: "step-finished";
      readonly build: string;
      readonly step: string;
      readonly durationMs: number;
      readonly error?: string;
      readonly time: number;
    }
  | {
      readonly type: "output";
      readonly build: string;
      readonly step: string;
      readonly stream: "stdout" | "stderr";
      readonly line: string;
      readonly time: number;
    }
  | {
      readonly type: "message";
      readonly build: string;
      readonly level: "info" | "warn" | "error";
      readonly text: string;
      readonly time: number;
    }
  | { readonly type: "cleanup-started"; readonly build: string; readonly step: string; readonly time: number }
  | {
      readonly type: "cleanup-finished";
      readonly build: string;
      readonly step: string;
      readonly error?: string;
      readonly time: number;
    }
  | { readonly type: "artifact"; readonly build: string; readonly artifact: Artifact; readonly time: number }
  | {
      readonly type: "build-finished";
      readonly build: string;
      readonly ok: boolean;
      readonly error?: string;
      readonly durationMs: number;
      readonly time: number;
    };

export type EventSink = (event: BuildEvent) => void;

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type BuildEventInput = Without<BuildEvent, "time" | "build">;

/** A per-build view of the sink: fills in the build name and time, and redacts every text field. */
export interface BuildReporter {
  readonly build: string;
  emit(event: BuildEventInput): void;
  info(text: string): void;
  warn(text: string): void;
  output(step: string, stream: "stdout" | "stderr", line: string): void;
}

export function buildReporter(build: string, sink: EventSink, redact: (text: string) => string): BuildReporter {
  const emit = (event: BuildEventInput) => {
    const e = { ...event, build, time: Date.now() } as BuildEvent;
    if (e.type === "output") sink({ ...e, line: redact(e.line) });
    else if (e.type === "message") sink({ ...e, text: redact(e.text) });
    else if ((e.type === "step-finished" || e.type === "cleanup-finished" || e.type === "build-finished") && e.error)
      sink({ ...e, error: redact(e.error) });
    else sink(e);
  };
  return {
    build,
    emit,
    info: (text) => emit({ type: "message", level: "info", text }),
    warn: (text) => emit({ type: "message", level: "warn", text }),
    output: (step, stream, line) => emit({ type: "output", step, stream, line }),
  };
}
