import type { Client, ClientChannel } from "ssh2";
import { abortReason, raceAbort } from "../engine/abort";
import { errorMessage } from "../engine/errors";
import { LineSplitter } from "../util/lines";
import { SshError } from "./ssh-errors";
import type { ExecOptions, ExecResult } from "./types";

/**
 * A command on its own channel announces the PID of the shell sshd started for it on its first stderr
 * line. sshd puts that shell in its own session and process group (setsid in session.c), so the PID names
 * the process group holding the command and everything it started: what we kill when the caller cancels.
 * Assumes a POSIX login shell, as Packer's shell provisioner does.
 */
const PID_MARKER = "KILN_EXEC_PID=";
const PID_LINE = /^KILN_EXEC_PID=(\d+)$/;

/** How long a cancelled command gets to exit after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 2_000;
/**
 * How long a busy target may take to announce the PID, to open the kill channel, and to reap the group
 * after SIGKILL: generous, because a cancelled command is reported stopped only once its group is gone.
 */
const CONFIRM_MS = 15_000;
/** What the kill script prints last: whether a live member of the group is left. */
const GROUP_GONE = "KILN_GROUP_GONE";
const GROUP_LEFT = "KILN_GROUP_LEFT";

export function wrapCommand(command: string): string {
  return `printf '${PID_MARKER}%s\\n' "$$" >&2\n${command}`;
}

/** The channel could not be opened because the connection had just gone: safe to retry elsewhere. */
export class ChannelNotOpened extends Error {}

/**
 * Runs `command` on its own exec channel, streaming lines; on abort stops the remote process group before
 * rejecting. Resolves `disconnected: true` when the connection drops before the command reports its exit.
 */
export async function runCommand(
  client: Client,
  endpoint: string,
  command: string,
  options: ExecOptions & { pty: boolean },
): Promise<ExecResult> {
  const { signal } = options;
  const opening = openChannel(client, wrapCommand(command), options.pty);
  let channel: ClientChannel;
  try {
    channel = await raceAbort(opening, signal);
  } catch (error) {
    if (!signal.aborted) throw wrapOpenError(endpoint, command, error, client);
    // The command may start anyway once the channel opens: give it a moment so we can stop it.
    const late = await withTimeout(
      opening.catch(() => null), // null: it never opened, nothing runs
      TERM_GRACE_MS,
    );
    const quiet = { signal, pty: options.pty }; // the caller no longer wants its output
    if (late) throw abortError(signal, await stopCommand(client, new ChannelCommand(late, quiet)));
    if (late === null) throw abortReason(signal);
    opening.then((c) => stopCommand(client, new ChannelCommand(c, quiet))).catch(() => {});
    const doubt = `its channel had not opened within ${TERM_GRACE_MS / 1000}s; it is stopped if it starts later`;
    throw abortError(signal, `could not confirm the remote command stopped: ${doubt}`);
  }
  return superviseCommand(client, new ChannelCommand(channel, options), signal);
}

/** What waiting for and cancelling a command needs, whether it has its own channel or runs in the agent. */
export interface RunningCommand {
  readonly result: Promise<ExecResult>;
  /** The command's process group once announced; undefined when it never will be. */
  readonly pid: Promise<number | undefined>;
  readonly ended: boolean;
  /** The first exception an output callback threw; reported once the command ends. */
  readonly callbackError: unknown;
  /** Without a PID: the SSH "signal" request, where the command owns the channel. */
  signal(name: "TERM" | "KILL"): void;
  /** Gives up on the command: closes what carries it. */
  abandon(): void;
}

/**
 * Waits for `running`; on abort, rejects once the remote process group is gone, not merely once we stop
 * waiting. When that could not be confirmed (bounded waits ran out), the error says so.
 */
export async function superviseCommand(
  client: Client,
  running: RunningCommand,
  signal: AbortSignal,
): Promise<ExecResult> {
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      stopCommand(client, running).then(
        (doubt) => reject(abortError(signal, doubt)),
        (error) => reject(abortError(signal, `stopping it failed: ${errorMessage(error)}`)),
      );
    };
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await Promise.race([running.result, stopped]);
    // The command's shell may end before the rest of its group is stopped: wait for the stop either way.
    if (signal.aborted) await stopped;
    if (running.callbackError) throw running.callbackError;
    return result;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * TERM the process group, KILL what is left of it after a grace period, wait for the group to be gone,
 * then give up on the command if it still has not ended. The group, not the command's shell: a member
 * that ignores TERM outlives the shell. Resolves undefined once the group is confirmed gone, else with
 * why it could not be confirmed.
 */
export async function stopCommand(client: Client, running: RunningCommand): Promise<string | undefined> {
  if (running.ended) return undefined;
  const endedWithin = async (ms: number) => {
    if (!running.ended) await withTimeout(running.result, ms);
    return running.ended;
  };
  const pid = await withTimeout(running.pid, CONFIRM_MS);
  const verdict = pid === undefined ? undefined : await killGroup(client, pid);
  let doubt: string | undefined;
  if (verdict === undefined) {
    // No PID (not a POSIX shell?) or no second channel: the SSH "signal" request, which OpenSSH
    // delivers with killpg to the session's group. Its end (output closed by every member) is all we see.
    running.signal("TERM");
    if (!(await endedWithin(TERM_GRACE_MS))) running.signal("KILL");
    if (!(await endedWithin(TERM_GRACE_MS))) doubt = "it did not end after SIGTERM and SIGKILL";
  } else if (verdict !== "gone") {
    doubt = `process group ${pid} ${verdict === "left" ? "still has live members" : "gave no answer"} after SIGKILL`;
  }
  if (!(await endedWithin(TERM_GRACE_MS))) running.abandon();
  return doubt && `could not confirm the remote command stopped: ${doubt}`;
}

/** The abort's error; when the remote command could not be confirmed stopped, the same error saying so. */
function abortError(signal: AbortSignal, doubt: string | undefined): Error {
  const reason = abortReason(signal);
  if (!doubt) return reason;
  // A copy, not the signal's shared reason; same class and code (a TimeoutError stays one).
  return Object.assign(Object.create(Object.getPrototypeOf(reason)) as Error, reason, {
    message: `${reason.message}; ${doubt}`,
    stack: reason.stack,
    cause: reason,
  });
}

/**
 * The script that stops process group `pid` (run by /bin/sh): TERM, then (after the grace period, if any
 * member is left) KILL, then it waits for the group to be gone and prints whether a live member is left.
 * CONT wakes stopped members so they can act on the TERM. A member is live while `kill -0` reaches the
 * group and, where /proc tells, it is not a zombie (an orphan is reaped by init, which on a container may
 * never happen). First, where /proc tells, it waits for `pid` to lead its group: the agent announces a
 * command's PID a moment before setsid makes it one (ssh-session.ts), and a group that does not exist yet
 * cannot be signalled.
 */
export function groupKillScript(pid: number): string {
  return [
    `exec 2>/dev/null; g=-${pid}; p=${pid};`,
    "nap() { sleep 0.1 || { sleep 1; i=$((i+9)); }; i=$((i+1)); };",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion (the state after the name)
    "leads() { read -r l </proc/$p/stat || return 0; set -- ${l##*) }; [ $3 = $p ] || [ $1 = Z ]; };",
    "live() { kill -0 $g || return 1; [ -r /proc/self/stat ] || return 0;",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion (the state after the name)
    "for f in /proc/[0-9]*/stat; do read -r l <$f || continue; set -- ${l##*) };",
    '[ "$3" = $p ] && [ "$1" != Z ] && return 0; done; return 1; };',
    "wait_gone() { i=0; while live && [ $i -lt $1 ]; do nap; done; };",
    `i=0; until leads || [ $i -ge ${CONFIRM_MS / 100} ]; do nap; done;`,
    `kill -TERM $g; kill -CONT $g; wait_gone ${TERM_GRACE_MS / 100};`,
    `kill -KILL $g; wait_gone ${CONFIRM_MS / 100};`,
    `if live; then echo ${GROUP_LEFT}; else echo ${GROUP_GONE}; fi`,
  ].join(" ");
}

/**
 * Stops a process group (groupKillScript) from a new channel on the same connection, in one remote
 * script: one more login-shell start, not two. Undefined when that channel could not be used.
 */
async function killGroup(client: Client, pid: number): Promise<"gone" | "left" | "no answer" | undefined> {
  // Run by /bin/sh whatever the login shell is (no single quotes inside).
  const command = `exec /bin/sh -c '${groupKillScript(pid)}'`;
  try {
    // Opening it can take a while on a busy target; if it opens later, the script still stops the group.
    const channel = await withTimeout(openChannel(client, command, false), CONFIRM_MS);
    if (!channel) return undefined;
    let output = "";
    channel.on("data", (chunk: Buffer) => {
      output += chunk.toString("latin1");
    });
    channel.stderr.resume();
    channel.end();
    const closed = new Promise((resolve) => channel.once("close", resolve));
    await withTimeout(closed, TERM_GRACE_MS + 2 * CONFIRM_MS);
    if (output.includes(GROUP_GONE)) return "gone";
    return output.includes(GROUP_LEFT) ? "left" : "no answer";
  } catch {
    return undefined;
  }
}

/** The caller's line callbacks, guarded: an exception is kept for later instead of breaking the stream. */
export class GuardedOutput {
  error: unknown;
  readonly onStdout: (line: string) => void;
  readonly onStderr: (line: string) => void;

  constructor(options: Pick<ExecOptions, "onStdout" | "onStderr">) {
    this.onStdout = this.#guard(options.onStdout);
    this.onStderr = this.#guard(options.onStderr);
  }

  #guard(callback?: (line: string) => void): (line: string) => void {
    return (line) => {
      try {
        callback?.(line);
      } catch (error) {
        this.error ??= error;
      }
    };
  }
}

/** One command on its own exec channel: its output, its exit, and the channel to signal or close. */
class ChannelCommand implements RunningCommand {
  readonly result: Promise<ExecResult>;
  readonly pid: Promise<number | undefined>;
  readonly #output: GuardedOutput;
  #closed = false;

  constructor(
    private readonly channel: ClientChannel,
    options: ExecOptions & { pty: boolean },
  ) {
    let resolvePid: (pid: number | undefined) => void = () => {};
    this.pid = new Promise((resolve) => {
      resolvePid = resolve;
    });
    const output = new GuardedOutput(options);
    this.#output = output;
    // With a pty, stderr is the terminal too, so the PID line arrives on stdout.
    const markerStream = options.pty ? output.onStdout : output.onStderr;
    // Usually the first line, but a noisy login (shell rc files, locale warnings) can come before it.
    let seen = false;
    const withoutMarker = (line: string) => {
      const match = seen ? null : PID_LINE.exec(line);
      if (!match) return markerStream(line);
      seen = true;
      resolvePid(Number(match[1]));
    };
    const stdout = new LineSplitter(options.pty ? withoutMarker : output.onStdout);
    const stderr = new LineSplitter(options.pty ? output.onStderr : withoutMarker);

    let exitCode: number | null = null;
    let exitSignal: string | undefined;
    let exited = false;
    channel.on("data", (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    channel.on("exit", (code: number | null, signalName?: string) => {
      exited = true;
      exitCode = typeof code === "number" ? code : null;
      if (signalName) exitSignal = signalName.startsWith("SIG") ? signalName : `SIG${signalName}`;
    });
    this.result = new Promise((resolve) => {
      channel.once("close", () => {
        this.#closed = true;
        stdout.flush();
        stderr.flush();
        resolvePid(undefined);
        resolve({ exitCode, exitSignal, disconnected: !exited });
      });
    });
    // No stdin: commands that read it see end-of-file instead of hanging (as with Packer). A pty has
    // no end-of-file to give, so it stays open there.
    if (!options.pty) channel.end();
  }

  get ended(): boolean {
    return this.#closed;
  }

  get callbackError(): unknown {
    return this.#output.error;
  }

  signal(name: string): void {
    try {
      this.channel.signal(name);
    } catch {
      // channel already closing
    }
  }

  abandon(): void {
    this.channel.close();
  }
}

export function openChannel(client: Client, command: string, pty: boolean): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, pty ? { pty: { term: "xterm", cols: 200, rows: 50 } } : {}, (error, channel) =>
        error ? reject(error) : resolve(channel),
      );
    } catch (error) {
      reject(error);
    }
  });
}

export function wrapOpenError(endpoint: string, command: string, error: unknown, client: Client): Error {
  // ssh2 answers "Not connected" / "No response from server" when the connection died under us.
  const gone = /not connected|no response/i.test(errorMessage(error)) || !isWritable(client);
  if (gone) return new ChannelNotOpened(errorMessage(error), { cause: error });
  return new SshError(endpoint, `cannot start ${JSON.stringify(shorten(command))}: ${errorMessage(error)}`, {
    cause: error,
  });
}

function isWritable(client: Client): boolean {
  const sock = (client as unknown as { _sock?: { writable?: boolean } })._sock;
  return sock?.writable === true;
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Resolves with the promise's value, or undefined after `ms`. Never rejects. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
