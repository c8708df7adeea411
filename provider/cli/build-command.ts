import { SSH_SESSION_MODES, type SshSessionMode } from "../communicator/ssh";
import { BuildFailedError } from "../engine/build";
import { CancelledError, ConfigError } from "../engine/errors";
import type { OnError } from "../engine/step";
import { build, loadTemplate } from "../kiln";
import { parseDuration } from "../util/duration";
import { HumanDisplay, jsonDisplay } from "./display";
import { reportError } from "./exit";
import { loadOptionsFrom, type TemplateCliOptions } from "./template-options";

export interface BuildCliOptions extends TemplateCliOptions {
  readonly onError: OnError;
  readonly parallelBuilds: number;
  readonly force: boolean;
  readonly json: boolean;
  readonly timeout?: string;
  readonly sshSession?: SshSessionMode;
}

/** `kiln build`: loads, validates, builds; Ctrl-C cancels and cleans up, a third Ctrl-C exits at once. */
export async function runBuildCommand(template: string, opts: BuildCliOptions): Promise<number> {
  const write = (text: string) => process.stdout.write(text);
  const human = new HumanDisplay(write);
  const onEvent = opts.json
    ? jsonDisplay(write)
    : (event: Parameters<HumanDisplay["handle"]>[0]) => human.handle(event);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\n${name} received: cancelling, cleaning up what the build created…\n`);
      controller.abort(new CancelledError(`interrupted by ${name}`));
    } else if (interrupts === 2) {
      process.stderr.write("Cleanup is running; interrupt once more to exit now and leave resources behind.\n");
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const options = loadOptionsFrom(opts);
    const loaded = await loadTemplate(template, options);
    const result = await build(loaded.builds, {
      ...options,
      signal: controller.signal,
      onEvent,
      onError: opts.onError,
      parallelBuilds: opts.parallelBuilds,
      force: opts.force,
      timeoutMs: opts.timeout ? parseDuration(opts.timeout) : undefined,
      sshSession: sshSessionOf(opts),
    });
    if (!opts.json) human.summary(result.artifacts);
    return 0;
  } catch (error) {
    if (error instanceof BuildFailedError && !opts.json) human.summary(error.builds.flatMap((b) => b.artifacts));
    return reportError(error, (t) => process.stderr.write(t));
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/**
 * `--ssh-session`; without it, the KILN_SSH_SESSION variable earlier versions read, with a warning: it is
 * deprecated (a variable is not recorded with a build, an option is).
 */
function sshSessionOf(opts: BuildCliOptions): SshSessionMode | undefined {
  if (opts.sshSession) return opts.sshSession;
  const fromEnv = process.env.KILN_SSH_SESSION;
  if (!fromEnv) return undefined;
  if (!(SSH_SESSION_MODES as readonly string[]).includes(fromEnv)) {
    throw new ConfigError([
      {
        field: "KILN_SSH_SESSION",
        message: `"${fromEnv}" is not a session mode (${SSH_SESSION_MODES.join(", ")}); the variable is deprecated: use --ssh-session`,
      },
    ]);
  }
  process.stderr.write(`KILN_SSH_SESSION is deprecated: use --ssh-session ${fromEnv}\n`);
  return fromEnv as SshSessionMode;
}
