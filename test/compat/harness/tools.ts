// Runs Debian's packer 1.6.6 and the compiled kiln CLI the same way: same working directory layout, same
// variables (each in its own flag spelling), same environment, a time limit.
import { spawn } from "node:child_process";
import { resolve } from "node:path";

export const PACKER = process.env.KILN_PACKER ?? "/usr/bin/packer";
export const KILN = resolve(__dirname, "../../../dist/provider/cli/kiln.js");

export type Tool = "packer" | "kiln";

export interface Invocation {
  readonly command: "build" | "validate";
  /** Template path as given on the command line, relative to `cwd`. */
  readonly template: string;
  readonly cwd: string;
  readonly vars?: Readonly<Record<string, string>>;
  readonly varFiles?: readonly string[];
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  readonly parallelBuilds?: number;
  /** Added to a minimal environment (PATH, HOME). */
  readonly env?: Readonly<Record<string, string>>;
  readonly home: string;
}

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Packer spells flags `-var`, Kiln `--var`; otherwise the arguments are the same. */
export function argv(tool: Tool, inv: Invocation): string[] {
  const flag = (name: string) => (tool === "packer" ? `-${name}` : `--${name}`);
  const args: string[] = [inv.command];
  if (inv.command === "build" && tool === "packer") args.push("-color=false");
  if (inv.command === "build" && inv.parallelBuilds !== undefined)
    args.push(`${flag("parallel-builds")}=${inv.parallelBuilds}`);
  for (const [k, v] of Object.entries(inv.vars ?? {})) args.push(flag("var"), `${k}=${v}`);
  for (const f of inv.varFiles ?? []) args.push(`${flag("var-file")}=${f}`);
  if (inv.only?.length) args.push(`${flag("only")}=${inv.only.join(",")}`);
  if (inv.except?.length) args.push(`${flag("except")}=${inv.except.join(",")}`);
  args.push(inv.template);
  return args;
}

export function runTool(tool: Tool, inv: Invocation, timeoutMs = 90_000): Promise<Run> {
  const [command, args] =
    tool === "packer" ? [PACKER, argv(tool, inv)] : [process.execPath, [KILN, ...argv(tool, inv)]];
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: inv.home,
    CHECKPOINT_DISABLE: "1",
    NO_COLOR: "1",
    PACKER_NO_COLOR: "1",
    ...inv.env,
  };
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: inv.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", fail);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
