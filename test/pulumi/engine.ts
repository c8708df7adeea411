import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ConfigMap, type EngineEvent, LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

const ROOT = join(__dirname, "../..");
const TS_REQUIRE = join(__dirname, "ts-require.cjs");
export const PASSPHRASE = "kiln-engine-test-passphrase";

/** What one Automation API operation showed: its engine events and its display text. */
export class Recorder {
  readonly events: EngineEvent[] = [];
  output = "";
  readonly onEvent = (event: EngineEvent) => {
    this.events.push(event);
  };
  readonly onOutput = (text: string) => {
    this.output += text;
  };
  /** Every diagnostic message of the engine's event stream (console output of providers included). */
  diagnostics(): string {
    return this.events.map((e) => e.diagnosticEvent?.message ?? "").join("");
  }
  get opts() {
    return { onEvent: this.onEvent, onOutput: this.onOutput, color: "never" as const };
  }
}

export interface EngineStack {
  readonly stack: Stack;
  /** The program's project directory (where relative paths resolve). */
  readonly dir: string;
  /** The `file://` backend's directory. */
  readonly stateDir: string;
}

/**
 * A stack of the real Pulumi CLI, with a local `file://` backend in `base`. The program runs in a
 * project directory that links the repository's node_modules, so the dynamic provider host (started
 * there) finds @pulumi/pulumi; the host loads Kiln's TypeScript through ts-require as it would load dist/.
 */
export async function engineStack(
  base: string,
  program: PulumiFn,
  options: { project?: string; stack?: string; config?: ConfigMap; stateDir?: string } = {},
): Promise<EngineStack> {
  const project = options.project ?? "kiln-engine";
  const dir = mkdtempSync(join(base, `${project}-`));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  const stateDir = options.stateDir ?? join(base, "state");
  mkdirSync(stateDir, { recursive: true });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: options.stack ?? "dev", projectName: project, program },
    {
      workDir: dir,
      projectSettings: { name: project, runtime: "nodejs", backend: { url: `file://${stateDir}` } },
      envVars: engineEnv(base),
    },
  );
  if (options.config) await stack.setAllConfig(options.config);
  return { stack, dir, stateDir };
}

/** The variables every `pulumi` command of the tests gets. */
export function engineEnv(base: string): Record<string, string> {
  return {
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_HOME: join(base, "pulumi-home"),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
    NODE_OPTIONS: `--require ${TS_REQUIRE}`,
  };
}

/**
 * A project on disk, as `pulumi new` makes one, run by the `pulumi` CLI itself: `index.js` requires
 * Kiln from the repository (through ts-require) and gets its settings from `settings.json`.
 */
export function projectOnDisk(base: string, name: string, program: string): string {
  const dir = mkdtempSync(join(base, `${name}-`));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n`,
  );
  writeFileSync(
    join(dir, "index.js"),
    program.replaceAll("KILN_PULUMI", JSON.stringify(join(ROOT, "dist/provider/pulumi"))),
  );
  return dir;
}

/**
 * Fills `modules` (a project's node_modules) with links to this checkout's packages, as an `npm install`
 * would have installed them (no registry here); `kiln` itself is left to the caller.
 */
export function linkCheckoutModules(modules: string): void {
  mkdirSync(modules, { recursive: true });
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name !== "kiln" && !name.startsWith(".")) symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
}

/** Every file under `dir`, as text: a backend's state, locks and history. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"));
}

/** `pulumi <args>` in a project directory with the tests' variables, as a user's shell would run it. */
export function pulumiCli(dir: string, base: string, args: readonly string[]): string {
  return execFileSync("pulumi", [...args], { cwd: dir, env: { ...process.env, ...engineEnv(base) } }).toString();
}

/** `pulumi stack export` as a user runs it: secrets stay encrypted (the Automation API's shows them). */
export function exportedStack(s: EngineStack, base: string, stackName = "dev"): string {
  return pulumiCli(s.dir, base, ["stack", "export", "--stack", stackName]);
}
