#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { SSH_SESSION_MODES } from "../communicator/types";
import { kilnVersion } from "../util/version";
import { dropOutputWhenReaderLeaves } from "./closed-output";
import { reportError } from "./exit";

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a whole number, 0 or more");
  return n;
}

export function program(): Command {
  const cli = new Command("kiln")
    .description("Bake machine images from Packer templates (.pkr.hcl, .pkr.json, legacy .json)")
    .version(kilnVersion());

  const withTemplateOptions = (command: Command) =>
    command
      .option("--var <key=value>", "set a template variable (repeatable)", collect, [])
      .option("--var-file <file>", "read variables from a .pkrvars.hcl or .json file (repeatable)", collect, [])
      .option("--only <names>", "build only these sources (comma-separated, globs allowed)")
      .option("--except <names>", "build all sources but these (comma-separated, globs allowed)");

  withTemplateOptions(cli.command("build"))
    .argument("<template>", "a .pkr.hcl/.pkr.json/.json file, or a directory of them")
    .description("run the builds in a template")
    .addOption(
      new Option("--on-error <mode>", "what to do with created resources when a build fails")
        .choices(["cleanup", "abort", "run-cleanup-provisioner"])
        .default("cleanup"),
    )
    .option("--parallel-builds <n>", "how many builds run at once (0: all)", positiveInt, 0)
    .option("--force", "build even when an image from identical inputs exists", false)
    .option("--json", "print events as JSON lines instead of the human display", false)
    .option("--timeout <duration>", "time limit for each build, e.g. 30m")
    .addOption(
      new Option(
        "--ssh-session <mode>",
        "run SSH commands through one agent session per connection, or one SSH session per command as Packer does (default: agent)",
      ).choices(SSH_SESSION_MODES),
    )
    .action(async (template: string, opts) => {
      // Each command loads its modules when it runs: `validate` does not pay for the build engine's.
      const { runBuildCommand } = await import("./build-command");
      process.exitCode = await runBuildCommand(template, opts);
    });

  withTemplateOptions(cli.command("validate"))
    .argument("<template>", "a .pkr.hcl/.pkr.json/.json file, or a directory of them")
    .description("check a template without running anything")
    .action(async (template: string, opts) => {
      const { runValidateCommand } = await import("./validate-command");
      process.exitCode = await runValidateCommand(template, opts);
    });

  cli
    .command("cleanup")
    .description(
      "remove what a killed build left in AWS or Azure, found by its build ID tag (printed when a build starts)",
    )
    .requiredOption("--build-id <id>", "the build ID, e.g. kiln-1a2b3c4d")
    .option("--region <region>", "an AWS region to clean (repeatable; required for amazon-ebs)", collect)
    .option("--builder <type>", "builder type of the killed build (amazon-ebs, azure-arm)", "amazon-ebs")
    .option("--endpoint <url>", "custom EC2 endpoint")
    .option("--profile <name>", "AWS profile")
    .option("--subscription <id>", "Azure subscription (default: AZURE_SUBSCRIPTION_ID)")
    .action(async (opts) => {
      const { runCleanupCommand } = await import("./cleanup-command");
      process.exitCode = await runCleanupCommand(opts);
    });

  const image = cli
    .command("image")
    .description("bake and delete one image as a resource does (run by the CDKTF BakedImage construct)");
  image
    .command("check")
    .description("read a request on stdin; print its fingerprint and problems as JSON")
    .action(async () => {
      const { runImageCheck } = await import("./image-command");
      process.exitCode = await runImageCheck(await readStdin());
    });
  image
    .command("bake")
    .description(`bake the image of the request in $KILN_IMAGE_REQUEST and tag it as held by --holder`)
    .requiredOption("--holder <key>", "the key of the resource holding the image (Terraform's resource ID)")
    .action(async (opts: { holder: string }) => {
      const { runImageBake } = await import("./image-command");
      process.exitCode = await runImageBake(opts.holder);
    });
  image
    .command("destroy")
    .description("delete the image --holder holds, in every region, unless retained or held by others")
    .requiredOption("--holder <key>", "the key of the resource holding the image")
    .action(async (opts: { holder: string }) => {
      const { runImageDestroy } = await import("./image-command");
      process.exitCode = await runImageDestroy(opts.holder);
    });

  cli
    .command("fleet")
    .description("immutable fleet operations (run by the CDKTF ImmutableFleet construct)")
    .command("rollout")
    .description(
      `wait for the new group's health, move the listener's traffic to it, roll back on failure (input: $KILN_ROLLOUT_REQUEST)`,
    )
    .action(async () => {
      const { runFleetRollout } = await import("./fleet-command");
      process.exitCode = await runFleetRollout();
    });

  return cli;
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/** Packer's flags are single-dash (`-var`, `-only=x`); accept them as written so command lines carry over. */
const PACKER_FLAGS = /^-(var|var-file|only|except|force|on-error|parallel-builds|timeout|build-id|region)(=.*)?$/;

export function packerStyleArgs(argv: readonly string[]): string[] {
  return argv.map((arg) => (PACKER_FLAGS.test(arg) ? `-${arg}` : arg));
}

/** Runs `kiln` with the process's arguments (Packer's single-dash flags accepted). */
export function runCli(argv: readonly string[] = process.argv): Promise<void> {
  dropOutputWhenReaderLeaves();
  return (
    program()
      // zod compiles a fast path for each object schema on its first parse; a CLI run parses each schema
      // about once, so compiling costs more than it saves. Set before a command runs, not at start:
      // `--version`, `--help` and usage errors do not load zod at all.
      .hook("preAction", async () => {
        const { z } = await import("zod");
        z.config({ jitless: true });
      })
      .parseAsync(packerStyleArgs(argv))
      .then(
        () => {},
        (error: unknown) => {
          process.exitCode = reportError(error, (t) => process.stderr.write(t));
        },
      )
  );
}

if (require.main === module) void runCli();
