import { randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { posix } from "node:path";
import { z } from "zod";
import { resolvePath } from "../util/paths";
import { environmentPairs, renderCommandTemplate, shellQuote } from "../util/shell";
import { requireCommunicator, runRemote } from "./remote";
import type { ProvisionContext, Provisioner } from "./types";

const shellSchema = z.strictObject({
  inline: z.array(z.string()).optional().describe("Commands, uploaded as one script and run with `inline_shebang`."),
  script: z.string().min(1).optional().describe("A local script to upload and run."),
  scripts: z.array(z.string().min(1)).optional().describe("Local scripts, run in order."),
  environment_vars: z.array(z.string()).optional().describe("`KEY=value` entries exported to the scripts."),
  env: z
    .record(z.string(), z.string())
    .optional()
    .describe("Environment variables by name; a secret value is redacted from the output."),
  execute_command: z
    .string()
    .min(1)
    .optional()
    .describe(
      'How the script is run. The script is uploaded with mode 0755, so Packer\'s leading `chmod +x {{.Path}};` is left out of the default. @default "{{.Vars}} {{.Path}}"',
    ),
  inline_shebang: z.string().min(1).optional().describe('Interpreter line of the inline script. @default "/bin/sh -e"'),
  remote_folder: z.string().min(1).optional().describe('Folder the scripts are uploaded to. @default "/tmp"'),
  remote_file: z.string().min(1).optional().describe('File name of the uploaded script. @default "script_<random>.sh"'),
  remote_path: z.string().min(1).optional().describe("Overrides remote_folder/remote_file together."),
  expect_disconnect: z
    .boolean()
    .optional()
    .describe("The script reboots the machine: a dropped connection is success, and the next step reconnects."),
  valid_exit_codes: z.array(z.number().int()).optional().describe("Exit codes that count as success. @default [0]"),
  skip_clean: z.boolean().optional().describe("Leave the uploaded script on the machine. @default false"),
});
export type ShellConfig = z.infer<typeof shellSchema>;

// Packer's default starts with `chmod +x {{.Path}};`: here the upload already gave the script mode 0755
// (an SFTP fchmod that fails the upload when refused), and that chmod was a process per script.
const DEFAULT_EXECUTE = "{{.Vars}} {{.Path}}";

/** Packer's `shell` provisioner: uploads each script (inline commands become one) and runs it remotely. */
export const shellProvisioner: Provisioner<ShellConfig> = {
  type: "shell",
  summary: "Runs inline commands or scripts on the machine over SSH.",
  schema: shellSchema,
  sensitiveFields: [],
  check(config) {
    const given = [config.inline, config.script, config.scripts].filter((v) => v !== undefined).length;
    return given === 1 ? [] : [{ field: "inline", message: "exactly one of inline, script or scripts must be set" }];
  },
  localInputs: (config, baseDir) => scriptPaths(config).map((p) => resolvePath(baseDir, p)),
  async run(config, context, signal) {
    const scripts: { name: string; body: Buffer }[] = config.inline
      ? [
          {
            name: "inline",
            body: Buffer.from(`#!${config.inline_shebang ?? "/bin/sh -e"}\n${config.inline.join("\n")}\n`),
          },
        ]
      : await Promise.all(
          scriptPaths(config).map(async (p) => ({
            name: p,
            body: await readFile(resolvePath(context.ctx.baseDir, p)),
          })),
        );
    const vars = packerEnvironment(config, context)
      .map(([k, v]) => `${k}=${shellQuote(v)}`)
      .join(" ");
    for (const script of scripts) {
      await runScript(config, context, script, vars, signal);
    }
  },
};

async function runScript(
  config: ShellConfig,
  context: ProvisionContext,
  script: { name: string; body: Buffer },
  vars: string,
  signal: AbortSignal,
): Promise<void> {
  const communicator = requireCommunicator(context, "shell");
  const path =
    config.remote_path ??
    posix.join(config.remote_folder ?? "/tmp", config.remote_file ?? `script_${randomInt(1_000_000)}.sh`);
  if (script.name !== "inline") context.output("stdout", `Provisioning with shell script: ${script.name}`);
  await communicator.upload(script.body, path, { signal, mode: 0o755 });
  const command = renderCommandTemplate(
    config.execute_command ?? DEFAULT_EXECUTE,
    { Path: shellQuote(path), Vars: vars, EnvVarFile: "" },
    "execute_command",
  );
  await runRemote(
    context,
    "shell",
    command,
    { validExitCodes: config.valid_exit_codes ?? [0], expectDisconnect: config.expect_disconnect ?? false },
    signal,
  );
  // After an expected disconnect the machine may still be rebooting: the next step reconnects first.
  if (!config.skip_clean && !config.expect_disconnect) {
    await communicator.remove(path, { signal });
  }
}

function scriptPaths(config: ShellConfig): string[] {
  return config.script ? [config.script] : [...(config.scripts ?? [])];
}

/** The environment Packer gives every script: build name and type, then the user's variables. */
function packerEnvironment(
  config: { environment_vars?: readonly string[]; env?: Readonly<Record<string, string>> },
  context: ProvisionContext,
): [string, string][] {
  return [
    ["PACKER_BUILD_NAME", context.ctx.sourceName],
    ["PACKER_BUILDER_TYPE", context.ctx.builderType],
    ...environmentPairs(config.environment_vars, config.env),
  ];
}
