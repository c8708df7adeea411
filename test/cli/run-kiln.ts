import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

/** The compiled `kiln`, as users run it (make test builds it first). */
export const KILN = resolve(__dirname, "../../dist/provider/cli/kiln.js");

export interface KilnRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KilnRunOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Called with all stdout so far at each chunk, e.g. to send Ctrl-C once a line appears. */
  readonly onStdout?: (stdout: string, child: ChildProcess) => void;
}

/** Runs `kiln` in a child process and collects its exit code and output. */
export function kiln(args: readonly string[], options: KilnRunOptions = {}): Promise<KilnRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [KILN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, NO_COLOR: "1", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      options.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
