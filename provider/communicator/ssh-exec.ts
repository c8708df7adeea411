import { StringDecoder } from "node:string_decoder";
import type { Client, ClientChannel } from "ssh2";
import { abortReason, raceAbort } from "../engine/abort";
import { errorMessage } from "../engine/errors";
import { SshError } from "./ssh-errors";
import type { ExecOptions, ExecResult } from "./types";

/**
 * Every command announces the PID of the shell sshd started for it on its first stderr line. sshd puts
 * that shell in its own session and process group (setsid in session.c), so the PID names the process
 * group holding the command and everything it started: what we kill when the caller cancels.
 * Assumes a POSIX login shell, as Packer's shell provisioner does.
 */
const PID_MARKER = "KILN_EXEC_PID=";
const PID_LINE = /^KILN_EXEC_PID=(\d+)$/;

/** How long a cancelled command gets to exit after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 2_000;

export function wrapCommand(command: string): string {
  return `printf '${PID_MARKER}%s\\n' "$$" >&2\n${command}`;
}

/** The channel could not be opened because the connection had just gone: safe to retry elsewhere. */
export class ChannelNotOpened extends Error {}

/**
 * Runs `command` on `client`, streaming lines; on abort stops the remote process group before rejecting.
 * Resolves `disconnected: true` when the connection drops before the command reports its exit.
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
      opening.catch(() => undefined),
      TERM_GRACE_MS,
    );
    const quiet = { signal, pty: options.pty }; // the caller no longer wants its output
    if (late) await new RemoteCommand(client, late, quiet).stop();
    else opening.then((c) => new RemoteCommand(client, c, quiet).stop()).catch(() => {});
    throw abortReason(signal);
  }

  const remote = new RemoteCommand(client, channel, options);
  // On abort, reject once the remote process is stopped (bounded), not merely once we stop waiting.
  let onAbort = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => {
      remote.stop().finally(() => reject(abortReason(signal)));
    };
  });
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  try {
    const result = await Promise.race([remote.result, stopped]);
    if (signal.aborted) throw abortReason(signal); // finished as the abort came: still a cancellation
    if (remote.callbackError) throw remote.callbackError;
    return result;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** One running command: its output, its exit, and how to stop it. */
class RemoteCommand {
  readonly result: Promise<ExecResult>;
  /** The first exception an output callback threw; reported once the command ends. */
  callbackError?: unknown;
  #closed = false;
  #pid: Promise<number | undefined>;
  #stopping?: Promise<void>;

  constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
    options: ExecOptions & { pty: boolean },
  ) {
    let resolvePid: (pid: number | undefined) => void = () => {};
    this.#pid = new Promise((resolve) => {
      resolvePid = resolve;
    });
    const guard = (callback?: (line: string) => void) => (line: string) => {
      try {
        callback?.(line);
      } catch (error) {
        this.callbackError ??= error;
      }
    };
    const onStdout = guard(options.onStdout);
    const onStderr = guard(options.onStderr);
    // With a pty, stderr is the terminal too, so the PID line arrives on stdout.
    const markerStream = options.pty ? onStdout : onStderr;
    // Usually the first line, but a noisy login (shell rc files, locale warnings) can come before it.
    let seen = false;
    const withoutMarker = (line: string) => {
      const match = seen ? null : PID_LINE.exec(line);
      if (!match) return markerStream(line);
      seen = true;
      resolvePid(Number(match[1]));
    };
    const stdout = new LineSplitter(options.pty ? withoutMarker : onStdout);
    const stderr = new LineSplitter(options.pty ? onStderr : withoutMarker);

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
        stdout.end();
        stderr.end();
        resolvePid(undefined);
        resolve({ exitCode, exitSignal, disconnected: !exited });
      });
    });
    // No stdin: commands that read it see end-of-file instead of hanging (as with Packer). A pty has
    // no end-of-file to give, so it stays open there.
    if (!options.pty) channel.end();
  }

  /** TERM the process group, KILL it after a grace period, then close the channel. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#closed) return;
    const pid = await withTimeout(this.#pid, TERM_GRACE_MS);
    if (pid !== undefined) {
      // Signals go through a second channel on the same connection: the group, not just the shell.
      await this.#kill("TERM", pid);
      if (!(await this.#closedWithin(TERM_GRACE_MS))) {
        await this.#kill("KILL", pid);
        await this.#closedWithin(TERM_GRACE_MS);
      }
    } else {
      // No PID (not a POSIX shell?): the SSH "signal" request, which OpenSSH delivers with killpg.
      this.#signal("TERM");
      if (!(await this.#closedWithin(TERM_GRACE_MS))) {
        this.#signal("KILL");
        await this.#closedWithin(TERM_GRACE_MS);
      }
    }
    if (!this.#closed) this.channel.close();
  }

  #signal(name: string): void {
    try {
      this.channel.signal(name);
    } catch {
      // channel already closing
    }
  }

  async #closedWithin(ms: number): Promise<boolean> {
    if (this.#closed) return true;
    await withTimeout(this.result, ms);
    return this.#closed;
  }

  /** Signals the process group from a second channel; falls back to the SSH signal request if it cannot. */
  async #kill(signalName: "TERM" | "KILL", pid: number): Promise<void> {
    // CONT wakes stopped members so they can act on the TERM.
    const command = `kill -${signalName} -${pid} 2>/dev/null; kill -CONT -${pid} 2>/dev/null; true`;
    try {
      const channel = await withTimeout(openChannel(this.client, command, false), TERM_GRACE_MS);
      if (!channel) throw new Error("kill channel did not open");
      channel.resume();
      channel.stderr.resume();
      channel.end();
      await withTimeout(new Promise((resolve) => channel.once("close", resolve)), TERM_GRACE_MS);
    } catch {
      this.#signal(signalName);
    }
  }
}

function openChannel(client: Client, command: string, pty: boolean): Promise<ClientChannel> {
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

function wrapOpenError(endpoint: string, command: string, error: unknown, client: Client): Error {
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

/**
 * Splits a byte stream into lines as they arrive: UTF-8 safe across chunk boundaries, `\r\n` and `\n`
 * endings, and a trailing partial line flushed by `end()`.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  #partial = "";

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    const parts = (this.#partial + this.#decoder.write(chunk)).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const line of parts) this.emit(stripCr(line));
  }

  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = "";
    if (rest) this.emit(stripCr(rest));
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** Resolves with the promise's value, or undefined after `ms`. Never rejects. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
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
