/** Where a value came from in a template, for error messages users can act on. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

export function formatLocation(where: SourceLocation | undefined): string {
  if (!where) return "";
  return where.column ? `${where.file}:${where.line}:${where.column}` : `${where.file}:${where.line}`;
}

/** What a failure was about: each field one a user can act on (all optional, none invented). */
export interface ErrorContext {
  readonly build?: string;
  readonly step?: string;
  /** A cloud resource or file, by the ID or path the user would look up. */
  readonly resource?: string;
  /** The template property (Packer's field name) whose value is at fault. */
  readonly property?: string;
  readonly where?: SourceLocation;
}

export interface KilnErrorOptions {
  readonly cause?: unknown;
  readonly context?: ErrorContext;
}

/** Base class: every Kiln error carries a stable code so callers can branch without parsing text. */
export class KilnError extends Error {
  readonly code: string;
  readonly context: ErrorContext;
  constructor(code: string, message: string, options?: KilnErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.context = options?.context ?? {};
  }
}

/** `<action> failed: <why>`, keeping the original error as `cause` (a cloud call, a file read). */
export function operationFailed(code: string, action: string, cause: unknown, context?: ErrorContext): KilnError {
  return new KilnError(code, `${action} failed: ${errorMessage(cause)}`, { cause, context });
}

/** Something the configuration names does not exist (code `RESOURCE_NOT_FOUND`). */
export function notFound(message: string, context?: ErrorContext, cause?: unknown): KilnError {
  return new KilnError("RESOURCE_NOT_FOUND", message, { cause, context });
}

/** A value was refused: `<property>: <why>` (code `VALUE_INVALID`), for checks outside a zod schema. */
export function invalidValue(property: string, why: string, context?: ErrorContext): KilnError {
  return new KilnError("VALUE_INVALID", `${property}: ${why}`, { context: { ...context, property } });
}

/** A local or remote path is not the kind of file the operation needs (code `PATH_INVALID`). */
export function pathInvalid(message: string, path: string): KilnError {
  return new KilnError("PATH_INVALID", message, { context: { resource: path } });
}

/** A bug in Kiln's own wiring (a call out of order), not in the user's input (code `INTERNAL`). */
export function internalError(message: string): KilnError {
  return new KilnError("INTERNAL", message);
}

/**
 * Removing resources failed for some of them: every error is named in the message and kept as `cause`
 * (one error as is, several as an `AggregateError`). Code `RESOURCES_LEFT`: they may still cost money.
 */
export function resourcesLeft(what: string, errors: readonly unknown[], context?: ErrorContext): KilnError {
  return new KilnError("RESOURCES_LEFT", `${what}: ${errors.map(errorMessage).join("; ")}`, {
    cause: errors.length === 1 ? errors[0] : new AggregateError(errors),
    context,
  });
}

/** A problem in the build definition, found before anything is created. */
export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `provisioner[2].inline` or `source.amazon-ebs.web.ami_name`. */
  readonly field: string;
  readonly message: string;
  readonly where?: SourceLocation;
}

export function formatProblem(p: ConfigProblem): string {
  const at = formatLocation(p.where);
  return `${at ? `${at}: ` : ""}${p.field}: ${p.message}`;
}

export class ConfigError extends KilnError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map(formatProblem);
    super(
      "CONFIG_INVALID",
      problems.length === 1 ? (lines[0] ?? "") : `${problems.length} problems:\n  ${lines.join("\n  ")}`,
    );
    this.problems = problems;
  }
}

/** The build was cancelled through its AbortSignal (Ctrl-C, a Pulumi cancel, a parent timeout). */
export class CancelledError extends KilnError {
  constructor(message = "cancelled", options?: { cause?: unknown }) {
    super("CANCELLED", message, options);
  }
}

/** A time limit of the build or of one provisioner ran out. */
export class TimeoutError extends KilnError {
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number) {
    super("TIMEOUT", `${what} timed out after ${formatMs(timeoutMs)}`);
    this.timeoutMs = timeoutMs;
  }
}

/** A step of a build failed; says which build, which step, and (for provisioners) where it was declared. */
export class StepError extends KilnError {
  readonly build: string;
  readonly step: string;
  readonly where?: SourceLocation;
  constructor(build: string, step: string, cause: unknown, where?: SourceLocation) {
    const at = formatLocation(where);
    super(
      isCancellation(cause) ? "CANCELLED" : "STEP_FAILED",
      `build '${build}': step '${step}'${at ? ` (${at})` : ""} ${isCancellation(cause) ? "was cancelled" : "failed"}: ${errorMessage(cause)}`,
      { cause, context: { build, step, where } },
    );
    this.build = build;
    this.step = step;
    this.where = where;
  }
}

/** Undo steps that failed after the build itself ended; the resources they name may still exist. */
export class CleanupError extends KilnError {
  readonly build: string;
  readonly failures: readonly { step: string; error: unknown }[];
  constructor(build: string, failures: readonly { step: string; error: unknown }[], cause?: unknown) {
    super(
      "CLEANUP_FAILED",
      `build '${build}': cleanup failed in ${failures.length} step(s), resources may be left behind:\n  ${failures
        .map((f) => `${f.step}: ${errorMessage(f.error)}`)
        .join("\n  ")}${cause ? `\nbuild error: ${errorMessage(cause)}` : ""}`,
      { cause, context: { build } },
    );
    this.build = build;
    this.failures = failures;
  }
}

/** How a command ended, with what it said last: the whole story of one failed run (execa's model). */
export interface CommandRun {
  readonly command: string;
  /** Local working directory; for a remote command, `host` says where it ran instead. */
  readonly cwd?: string;
  /** `user@host:port` of a remote command. */
  readonly host?: string;
  /** Null when the command ended without a status (a signal, a dropped connection). */
  readonly exitCode: number | null;
  readonly signal?: string;
  /** The connection dropped before the command ended (remote commands only). */
  readonly disconnected?: boolean;
  readonly durationMs: number;
  /** Last lines of standard output and error (the build redacts them with the rest of the error). */
  readonly stdoutTail: string;
  readonly stderrTail: string;
}

/**
 * A remote or local command ended badly: exit status outside the accepted ones (`COMMAND_FAILED`), killed
 * by a signal (`COMMAND_FAILED`), or its connection dropped (`COMMAND_DISCONNECTED`). Every field of the
 * run is on the error; the message names the command, where and how long it ran, and its last output.
 */
export class CommandError extends KilnError implements CommandRun {
  readonly command: string;
  readonly cwd?: string;
  readonly host?: string;
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly disconnected: boolean;
  readonly durationMs: number;
  readonly stdoutTail: string;
  readonly stderrTail: string;
  constructor(run: CommandRun, options?: KilnErrorOptions) {
    super(run.disconnected ? "COMMAND_DISCONNECTED" : "COMMAND_FAILED", describeRun(run), options);
    this.command = run.command;
    this.cwd = run.cwd;
    this.host = run.host;
    this.exitCode = run.exitCode;
    this.signal = run.signal;
    this.disconnected = run.disconnected ?? false;
    this.durationMs = run.durationMs;
    this.stdoutTail = run.stdoutTail;
    this.stderrTail = run.stderrTail;
  }
}

function describeRun(run: CommandRun): string {
  const command = JSON.stringify(truncate(run.command, 200));
  const where = [run.host && `on ${run.host}`, run.cwd && `in ${run.cwd}`].filter(Boolean).join(" ");
  const context = `(${where ? `${where}, ` : ""}after ${formatMs(run.durationMs)})`;
  if (run.disconnected) {
    return `the connection dropped while running ${command} ${context}; set expect_disconnect = true if the command reboots the machine`;
  }
  const how = run.signal ? `was killed by ${run.signal}` : `exited with status ${run.exitCode}`;
  // stderr is where scripts explain themselves; stdout stands in when they wrote nothing there.
  const output = run.stderrTail ? run.stderrTail : run.stdoutTail;
  const label = run.stderrTail ? "last error output" : "last output";
  return `command ${command} ${how} ${context}${output ? `; ${label}: ${truncate(output, 500)}` : ""}`;
}

export function isCancellation(error: unknown): boolean {
  return (
    error instanceof CancelledError ||
    (error instanceof Error && (error.name === "AbortError" || (error as { code?: string }).code === "CANCELLED"))
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}
