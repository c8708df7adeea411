// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the agent is sh source, where ${} is parameter expansion.
/**
 * The command agent: one exec channel per connection running a small POSIX-sh loop that runs each
 * command the way sshd would (`"$SHELL" -c "<command>"` in a session of its own, stdin from /dev/null),
 * so a command costs a fork and two execs (setsid, the shell) instead of an SSH session whose login shell
 * re-reads its startup files (~/.bashrc on Debian runs for every sshd command; 100–300 ms with
 * pyenv/nvm/conda hooks).
 *
 * Semantic difference from one session per command: the environment commands see is the one the login
 * shell exported once, when the agent started; a later change to ~/.bashrc, or functions and aliases it
 * defines, are not seen. The session mode `per-command` (SshSessionMode in ssh.ts) restores one session per command.
 *
 * Protocol. A request is a header line `<nonce> <line count>` on the agent's stdin followed by the command's
 * lines, raw: the agent reads them with `read` and joins them with newlines, no fork and no escaping, so any
 * command arrives byte for byte. Replies are records in the output streams, `\x1eKILN<nonce>:<kind>:<value>\n`,
 * written with single (atomic) pipe writes, so they can sit anywhere in the command's bytes and are cut out
 * exactly: `p` (the command's PID, which is its process group) on stdout before the command starts; `x`
 * (exit status) on stderr and then on stdout once it ended. The command is finished when both streams
 * carried their `x`: that is how all of its stderr is delivered before exec() resolves. A status above
 * 128 is reported as the number the shell gives (128 + signal), as Packer reports a killed command.
 *
 * Processes per command: where /proc/self is the agent's own (Linux), a subshell reads its PID there,
 * announces it and execs `setsid <shell>`: setsid(1) does not fork for a process that leads no group, so
 * the announced PID becomes the command's session and process group. The `p` record thus comes a moment
 * before setsid() runs; the kill script (killGroup in ssh-exec.ts) waits for the PID to lead its group.
 * Elsewhere HELPER, a /bin/sh of its own under setsid, announces `$$` and execs the shell (one exec more).
 */
import { randomBytes } from "node:crypto";
import type { Client, ClientChannel } from "ssh2";
import { abortReason, raceAbort } from "../engine/abort";
import { errorMessage } from "../engine/errors";
import { LineSplitter } from "../util/lines";
import { ChannelNotOpened, GuardedOutput, openChannel, type RunningCommand, wrapOpenError } from "./ssh-exec";
import type { ExecOptions, ExecResult } from "./types";

/** How long the login shell may take to start the agent before commands fall back to their own channels. */
const START_TIMEOUT_MS = 20_000;
/** Record bodies are short; a marker not followed by a newline this soon is command output after all. */
const MAX_RECORD = 64;

/**
 * The fallback for targets without /proc (see "Processes per command" above): runs once per command, as
 * `/bin/sh -c HELPER sh <nonce> <shell> [--norc] -c <command> <shell name>` under setsid, announces its PID
 * (= the new process group) and becomes the user's shell.
 */
const HELPER = 'printf "\\036KILN%s:p:%s\\n" "$1" "$$"; shift; exec "$@" 2>&3 3>&-';

/**
 * The agent loop; `$1` is HELPER, `$2` the start token. One line, no single quotes, no `!`: whatever the
 * login shell (csh and fish included) passes it to /bin/sh intact. The user's shell runs as
 * `<shell> [--norc] -c <command> <shell name>`: `$0` is the shell's name as sshd gives it. Bash gets --norc
 * because, started from an sshd session (SSH_CLIENT set, SHLVL 0 after the agent's exec), it would re-read
 * ~/.bashrc: the cost the agent exists to avoid.
 */
const AGENT = [
  'h=$1; t=$2; s=${SHELL:-/bin/sh}; [ -x "$s" ] || s=/bin/sh; o=; case $s in */bash) o=--norc;; esac;',
  // z: setsid's path, looked up once (exec would search the PATH for it every time).
  'z=$(command -v setsid 2>/dev/null) || { printf "\\036KILN%s:nosetsid:\\n" "$t"; exit 0; };',
  // The channel's stderr moves to fd 3 (handed to the command only): the agent's own complaints
  // ("Killed" when a command dies by a signal) are not the command's output.
  "exec 3>&2 2>/dev/null;",
  // f: a subshell can learn its PID without a fork (/proc/self is the agent's own here). l: a newline.
  'f=; read -r m _ </proc/self/stat && [ "$m" = $$ ] && f=1; l=$(printf "\\nx"); l=${l%x};',
  'printf "\\036KILN%s:ready:\\n" "$t";',
  "while IFS= read -r q; do",
  // Lines gather in b, moved to c every 2 kB: appending each line to c would copy c once a line.
  // A request cut short (the connection went mid-write) runs nothing: the agent ends.
  "n=${q%% *}; k=${q#* }; c=; b=; j=; while [ $k -gt 0 ] && IFS= read -r q; do",
  "b=$b$j$q; j=$l; k=$((k-1)); [ ${#b} -lt 2048 ] || { c=$c$b; b=; }; done; c=$c$b;",
  '[ "$k" = 0 ] || exit 0;',
  'if [ -n "$f" ]; then',
  '( read -r p _ </proc/self/stat; printf "\\036KILN%s:p:%s\\n" "$n" "$p"; exec "$z" "$s" $o -c "$c" "${s##*/}" 2>&3 3>&- ) </dev/null;',
  'else "$z" /bin/sh -c "$h" sh "$n" "$s" $o -c "$c" "${s##*/}" </dev/null; fi; r=$?;',
  'printf "\\036KILN%s:x:%s\\n" "$n" "$r" >&3; printf "\\036KILN%s:x:%s\\n" "$n" "$r";',
  "done",
].join(" ");

/** What the login shell runs: exec keeps the exported environment and drops the shell itself. */
export function agentCommand(token: string): string {
  return `exec /bin/sh -c '${AGENT}' kiln-agent '${HELPER}' ${token}`;
}

/** A request to the agent: the header line, then the command's lines as they are. */
function agentRequest(nonce: string, command: string): string {
  return `${nonce} ${command.split("\n").length}\n${command}\n`;
}

/** Why commands on this connection cannot use the agent (they get their own channels instead). */
export class AgentUnavailable extends Error {}

/** One agent on one connection. Runs one command at a time; `run` returns undefined when busy or gone. */
export class CommandSession {
  #closed = false;
  #current?: AgentCommand;
  readonly #stdout: RecordScanner;
  readonly #stderr: RecordScanner;

  private constructor(
    private readonly channel: ClientChannel,
    stdout: RecordScanner,
    stderr: RecordScanner,
  ) {
    this.#stdout = stdout;
    this.#stderr = stderr;
    // Output between commands (a background job still writing) belongs to no command: dropped.
    stdout.route(
      (bytes) => this.#current?.stdout(bytes),
      (kind, value) => this.#current?.record("out", kind, value),
    );
    stderr.route(
      (bytes) => this.#current?.stderr(bytes),
      (kind, value) => this.#current?.record("err", kind, value),
    );
    channel.once("close", () => {
      this.#closed = true;
      const current = this.#current;
      this.#current = undefined;
      current?.lost();
    });
  }

  /**
   * Starts the agent through the login shell and waits for it to report ready.
   *
   * @throws AgentUnavailable the agent cannot run here (no setsid, a forced command, a shell that never answers)
   * @throws ChannelNotOpened the connection went away before the channel opened
   */
  static async start(client: Client, endpoint: string, signal: AbortSignal): Promise<CommandSession> {
    const token = randomBytes(8).toString("hex");
    const opening = openChannel(client, agentCommand(token), false);
    let channel: ClientChannel;
    try {
      channel = await raceAbort(opening, signal);
    } catch (error) {
      if (signal.aborted) {
        opening.then((late) => late.close()).catch(() => {});
        throw abortReason(signal);
      }
      const wrapped = wrapOpenError(endpoint, "the command agent", error, client);
      // A connection that just went is the caller's to handle; any other refusal only costs us the agent.
      if (wrapped instanceof ChannelNotOpened) throw wrapped;
      throw new AgentUnavailable(`cannot open its session: ${errorMessage(error)}`, { cause: error });
    }
    const stdout = new RecordScanner();
    const stderr = new RecordScanner();
    stdout.nonce = token;
    stderr.nonce = token;
    channel.on("data", (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    try {
      const state = await new Promise<string>((resolve, reject) => {
        const settle = (then: () => void) => {
          clearTimeout(timer);
          channel.off("close", onClose);
          signal.removeEventListener("abort", onAbort);
          then();
        };
        const timer = setTimeout(
          () =>
            settle(() => reject(new AgentUnavailable(`the agent did not start within ${START_TIMEOUT_MS / 1000}s`))),
          START_TIMEOUT_MS,
        );
        const onClose = () =>
          settle(() => reject(new AgentUnavailable("the agent's session ended before it was ready")));
        const onAbort = () => settle(() => reject(abortReason(signal)));
        channel.once("close", onClose);
        signal.addEventListener("abort", onAbort, { once: true });
        // What the login prints before the agent runs (noise from rc files) belongs to no command.
        stdout.route(
          () => {},
          (kind) => settle(() => resolve(kind)),
        );
        stderr.route(
          () => {},
          () => {},
        );
      });
      if (state !== "ready") throw new AgentUnavailable("setsid is not installed on the target");
      return new CommandSession(channel, stdout, stderr);
    } catch (error) {
      channel.close();
      throw error;
    }
  }

  /** False once the agent's channel closed (connection dropped, agent killed, or close()). */
  get usable(): boolean {
    return !this.#closed;
  }

  get busy(): boolean {
    return this.#current !== undefined;
  }

  /** Sends `command` to the agent, or returns undefined when it is busy or gone (the caller uses a channel). */
  run(command: string, options: ExecOptions): RunningCommand | undefined {
    if (this.#closed || this.#current) return undefined;
    const nonce = randomBytes(8).toString("hex");
    const job: AgentCommand = new AgentCommand(
      options,
      () => this.close(),
      () => {
        if (this.#current === job) this.#current = undefined;
      },
    );
    this.#current = job;
    this.#stdout.nonce = nonce;
    this.#stderr.nonce = nonce;
    this.channel.write(agentRequest(nonce, command));
    return job;
  }

  /** Ends the agent (and its channel); a command still running is reported as lost. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.close();
  }
}

/** One command running in the agent. */
class AgentCommand implements RunningCommand {
  readonly result: Promise<ExecResult>;
  readonly pid: Promise<number | undefined>;
  readonly #output: GuardedOutput;
  readonly #stdout: LineSplitter;
  readonly #stderr: LineSplitter;
  #resolvePid: (pid: number | undefined) => void = () => {};
  #resolve: (result: ExecResult) => void = () => {};
  #status?: number;
  #stdoutDone = false;
  #stderrDone = false;
  #ended = false;

  constructor(
    options: ExecOptions,
    private readonly closeAgent: () => void,
    private readonly onEnd: () => void,
  ) {
    this.#output = new GuardedOutput(options);
    this.#stdout = new LineSplitter(this.#output.onStdout);
    this.#stderr = new LineSplitter(this.#output.onStderr);
    this.pid = new Promise((resolve) => {
      this.#resolvePid = resolve;
    });
    this.result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get ended(): boolean {
    return this.#ended;
  }

  get callbackError(): unknown {
    return this.#output.error;
  }

  stdout(bytes: Buffer): void {
    if (!this.#stdoutDone) this.#stdout.push(bytes);
  }

  stderr(bytes: Buffer): void {
    if (!this.#stderrDone) this.#stderr.push(bytes);
  }

  record(stream: "out" | "err", kind: string, value: string): void {
    if (kind === "p" && stream === "out") {
      const pid = Number(value);
      this.#resolvePid(Number.isSafeInteger(pid) && pid > 1 ? pid : undefined);
      return;
    }
    if (kind !== "x") return;
    this.#status = Number(value);
    if (stream === "out" && !this.#stdoutDone) {
      this.#stdoutDone = true;
      this.#stdout.flush();
    }
    if (stream === "err" && !this.#stderrDone) {
      this.#stderrDone = true;
      this.#stderr.flush();
    }
    if (this.#stdoutDone && this.#stderrDone) {
      this.#finish({ exitCode: Number.isInteger(this.#status) ? (this.#status as number) : null, disconnected: false });
    }
  }

  /** The agent's channel closed before the command's exit arrived: the connection (or the agent) died. */
  lost(): void {
    if (!this.#stdoutDone) this.#stdout.flush();
    if (!this.#stderrDone) this.#stderr.flush();
    this.#finish({ exitCode: null, disconnected: true });
  }

  /** The agent has no SSH signal of its own to give: the kill channel is the way (see stopCommand). */
  signal(): void {}

  /** A command that will not die takes the agent with it; the next command starts a new one. */
  abandon(): void {
    this.closeAgent();
  }

  #finish(result: ExecResult): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onEnd(); // the agent takes the next command from here on
    this.#resolvePid(undefined);
    this.#resolve(result);
  }
}

/**
 * Splits one of the agent's output streams into the command's bytes and the agent's records for the
 * current nonce. Holds back only a trailing partial marker, so lines still arrive as they are written.
 */
export class RecordScanner {
  #marker = Buffer.alloc(0);
  #pending = Buffer.alloc(0);
  #onData: (bytes: Buffer) => void = () => {};
  #onRecord: (kind: string, value: string) => void = () => {};

  set nonce(nonce: string) {
    // Bytes held back as a possible marker of the previous command are stray output: drop them.
    this.#pending = Buffer.alloc(0);
    this.#marker = Buffer.from(`\x1eKILN${nonce}:`, "latin1");
  }

  route(onData: (bytes: Buffer) => void, onRecord: (kind: string, value: string) => void): void {
    this.#onData = onData;
    this.#onRecord = onRecord;
  }

  push(chunk: Buffer): void {
    let buf = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = Buffer.alloc(0);
    let from = 0;
    for (;;) {
      const at = buf.indexOf(this.#marker, from);
      if (at < 0) break;
      const bodyStart = at + this.#marker.length;
      const end = buf.indexOf(0x0a, bodyStart);
      if (end < 0 && buf.length - bodyStart < MAX_RECORD) {
        // The record's end is in a later chunk.
        if (at > 0) this.#onData(buf.subarray(0, at));
        this.#pending = Buffer.from(buf.subarray(at));
        return;
      }
      if (end < 0 || end - bodyStart > MAX_RECORD) {
        from = bodyStart; // not one of ours after all
        continue;
      }
      if (at > 0) this.#onData(buf.subarray(0, at));
      const [kind = "", value = ""] = buf.toString("latin1", bodyStart, end).split(":");
      buf = buf.subarray(end + 1);
      from = 0;
      this.#onRecord(kind, value);
    }
    const keep = partialMarker(buf, this.#marker);
    if (buf.length > keep) this.#onData(buf.subarray(0, buf.length - keep));
    if (keep > 0) this.#pending = Buffer.from(buf.subarray(buf.length - keep));
  }
}

/** Length of the longest suffix of `buf` that is a proper prefix of `marker`. */
function partialMarker(buf: Buffer, marker: Buffer): number {
  const first = marker[0] as number;
  for (let start = Math.max(0, buf.length - marker.length + 1); start < buf.length; start++) {
    if (buf[start] !== first) continue;
    if (buf.subarray(start).equals(marker.subarray(0, buf.length - start))) return buf.length - start;
  }
  return 0;
}
