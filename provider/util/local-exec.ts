import { abortReason } from "../engine/abort";
import { CommandError, KilnError } from "../engine/errors";
import { LastLines, LineSplitter } from "./lines";

export interface LocalRunOptions {
  readonly signal: AbortSignal;
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly onStdout?: (line: string) => void;
  readonly onStderr?: (line: string) => void;
  /** Exit codes that count as success. @default [0] */
  readonly validExitCodes?: readonly number[];
}

/**
 * Runs a local command (shell-local provisioner and post-processor), streaming output line by line.
 * Cancellation kills the whole process group, so a script's children do not outlive the build.
 */
export async function runLocal(argv: readonly string[], options: LocalRunOptions): Promise<void> {
  const [file, ...args] = argv;
  if (!file) throw new KilnError("VALUE_INVALID", "empty command");
  const stdoutTail = new LastLines();
  const stdout = new LineSplitter((line) => {
    stdoutTail.push(line);
    options.onStdout?.(line);
  });
  const stderrTail = new LastLines();
  const stderr = new LineSplitter((line) => {
    stderrTail.push(line);
    options.onStderr?.(line);
  });
  // Loaded here, not at start-up: only shell-local needs it.
  const { execa } = await import("execa");
  const started = performance.now();
  const child = execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    reject: false,
    buffer: false,
    stdin: "ignore",
    detached: true,
    cancelSignal: options.signal,
    forceKillAfterDelay: 3000,
  });
  // A detached child leads its own process group; kill the group so grandchildren go too.
  const killGroup = () => {
    if (child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
  };
  options.signal.addEventListener("abort", killGroup, { once: true });
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  try {
    const result = await child;
    stdout.flush();
    stderr.flush();
    if (options.signal.aborted) throw abortReason(options.signal);
    const valid = options.validExitCodes ?? [0];
    if (result.exitCode === undefined || !valid.includes(result.exitCode)) {
      throw new CommandError(
        {
          command: argv.join(" "),
          cwd: options.cwd ?? process.cwd(),
          exitCode: result.exitCode ?? null,
          signal: result.signal,
          durationMs: Math.round(performance.now() - started),
          stdoutTail: stdoutTail.text(),
          stderrTail: stderrTail.text(),
        },
        // A command that could not start (ENOENT, EACCES): execa's own error says why.
        { cause: result.failed && result.exitCode === undefined && !result.signal ? result : undefined },
      );
    }
  } finally {
    options.signal.removeEventListener("abort", killGroup);
  }
}
