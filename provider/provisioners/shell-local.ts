import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { runLocal } from "../util/local-exec";
import { resolvePath } from "../util/paths";
import { environmentPairs, renderCommandTemplate, shellQuote } from "../util/shell";

/** Fields shared by the shell-local provisioner and post-processor, with Packer's names. */
export const shellLocalShape = {
  command: z.string().min(1).optional().describe("One command, run with `/bin/sh -c`."),
  inline: z.array(z.string()).optional().describe("Commands, run as one script."),
  script: z.string().min(1).optional().describe("A local script to run."),
  scripts: z.array(z.string().min(1)).optional().describe("Local scripts to run in order."),
  environment_vars: z.array(z.string()).optional().describe("`KEY=value` entries."),
  env: z.record(z.string(), z.string()).optional().describe("Environment variables by name."),
  execute_command: z
    .array(z.string())
    .min(1)
    .optional()
    .describe('How the script is run. @default ["/bin/sh", "-c", "{{.Vars}} {{.Script}}"]'),
  inline_shebang: z.string().min(1).optional().describe('Interpreter line of the inline script. @default "/bin/sh -e"'),
  valid_exit_codes: z.array(z.number().int()).optional().describe("Exit codes that count as success. @default [0]"),
  only_on: z
    .array(z.string())
    .optional()
    .describe("Run only on these OSes (`linux`, `darwin`…); elsewhere the step is skipped."),
} as const;

const shellLocalSchema = z.strictObject(shellLocalShape);
export type ShellLocalConfig = z.infer<typeof shellLocalSchema>;

const DEFAULT_EXECUTE = ["/bin/sh", "-c", "{{.Vars}} {{.Script}}"];

/**
 * What Packer puts in a local command's environment: the build's name and builder type, and the run's
 * UUID (Packer's own process carries it, and local commands inherit it).
 */
export function shellLocalEnvironment(
  ctx: { sourceName: string; runUuid: string },
  builderType: string,
): [string, string][] {
  return [
    ["PACKER_BUILD_NAME", ctx.sourceName],
    ["PACKER_BUILDER_TYPE", builderType],
    ["PACKER_RUN_UUID", ctx.runUuid],
  ];
}

export function checkShellLocal(config: ShellLocalConfig) {
  const given = [config.command, config.inline, config.script, config.scripts].filter((v) => v !== undefined).length;
  return given === 1
    ? []
    : [{ field: "inline", message: "exactly one of command, inline, script or scripts must be set" }];
}

export function shellLocalInputs(config: ShellLocalConfig, baseDir: string): string[] {
  return (config.script ? [config.script] : (config.scripts ?? [])).map((p) => resolvePath(baseDir, p));
}

/**
 * Runs shell-local commands on the machine running Kiln. Inline commands and `command` become a temporary
 * script; each script runs through `execute_command` with the environment set as variables.
 */
export async function runShellLocal(
  config: ShellLocalConfig,
  baseEnv: [string, string][],
  options: { signal: AbortSignal; cwd: string; output: (stream: "stdout" | "stderr", line: string) => void },
): Promise<void> {
  if (config.only_on && !config.only_on.includes(process.platform)) {
    options.output(
      "stdout",
      `Skipping shell-local: only_on ${config.only_on.join(", ")} does not include ${process.platform}`,
    );
    return;
  }
  const env = Object.fromEntries([...baseEnv, ...environmentPairs(config.environment_vars, config.env)]);
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(" ");
  const tempDir = await mkdtemp(join(tmpdir(), "kiln-shell-local-"));
  try {
    const scripts = [...shellLocalInputs(config, options.cwd)];
    const inline = config.command !== undefined ? [config.command] : config.inline;
    if (inline) {
      const path = join(tempDir, "inline.sh");
      await writeFile(path, `#!${config.inline_shebang ?? "/bin/sh -e"}\n${inline.join("\n")}\n`, { mode: 0o700 });
      scripts.push(path);
    }
    for (const script of scripts) {
      const argv = (config.execute_command ?? DEFAULT_EXECUTE).map((part) =>
        renderCommandTemplate(part, { Vars: vars, Script: script, Command: script }, "execute_command"),
      );
      await runLocal(argv, {
        signal: options.signal,
        cwd: options.cwd,
        env,
        validExitCodes: config.valid_exit_codes,
        onStdout: (line) => options.output("stdout", line),
        onStderr: (line) => options.output("stderr", line),
      });
    }
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}
