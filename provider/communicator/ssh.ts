/**
 * The SSH communicator: one ssh2 connection per machine, reused by every command and transfer,
 * reconnected on demand after a drop (a reboot), with Packer's connect semantics.
 */
import { abortReason, raceAbort, sleep, throwIfAborted } from "../engine/abort";
import type { MachineAccess } from "../engine/context";
import { errorMessage, formatMs, isCancellation, KilnError, TimeoutError } from "../engine/errors";
import type { CommunicatorConfig } from "./config";
import { startLocalWalk } from "./local-tree";
import { SshConnector, type SshLink } from "./ssh-connect";
import { SshError } from "./ssh-errors";
import { ChannelNotOpened, runCommand, superviseCommand } from "./ssh-exec";
import { AgentUnavailable, CommandSession } from "./ssh-session";
import { resolveSshSettings, type SshSettings } from "./ssh-settings";
import { SftpSession } from "./ssh-sftp";
import { tarUpload } from "./ssh-tar";
import type { Communicator, ExecOptions, ExecResult, RemoveOptions, SshSessionMode, TransferOptions } from "./types";

export { SshAuthError, SshError, SshTimeoutError } from "./ssh-errors";
export { SSH_DEFAULTS } from "./ssh-settings";

export { SSH_SESSION_MODES, type SshSessionMode } from "./types";

export interface SshConnectOptions {
  /** Cancels the pause and the connect loop. Later calls take their own signals. */
  readonly signal: AbortSignal;
  /** Directory relative `ssh_private_key_file` / `ssh_bastion_private_key_file` resolve against. */
  readonly baseDir: string;
  /** Progress lines (waiting, connected, connection lost); never contains secrets. */
  readonly log?: (text: string) => void;
  /** @default "agent" */
  readonly session?: SshSessionMode;
}

/**
 * Waits `pause_before_connecting`, then connects within `ssh_timeout` (retrying) and returns a
 * connected communicator. `ssh_host`/`ssh_port` in `config` override `target`.
 *
 * @throws ConfigError  missing `ssh_username`, no credentials, unreadable or invalid key file
 * @throws SshAuthError credentials rejected `ssh_handshake_attempts` times (code `SSH_AUTH_FAILED`)
 * @throws SshTimeoutError `ssh_timeout` ran out; the message carries the last failure (a TimeoutError)
 * @throws CancelledError `options.signal` fired (or its reason, when that is a CancelledError/TimeoutError)
 */
export async function connectSsh(
  config: CommunicatorConfig,
  target: MachineAccess,
  options: SshConnectOptions,
): Promise<SshCommunicator> {
  const settings = resolveSshSettings(config, target, options.baseDir);
  const communicator = new SshCommunicator(settings, options);
  try {
    if (settings.pauseMs > 0) {
      options.log?.(`Pausing ${formatMs(settings.pauseMs)} before connecting to ${communicator.endpoint}`);
      await sleep(settings.pauseMs, options.signal);
    }
    await communicator.connect(options.signal);
    return communicator;
  } catch (error) {
    await communicator.close();
    throw error;
  }
}

/** What one connection has: its command agent and its SFTP session, each made on first use. */
interface LinkResources {
  readonly link: SshLink;
  agent?: CommandSession;
  agentStarting?: Promise<CommandSession | undefined>;
  /** The agent cannot run on this connection: commands get their own channels. */
  agentUnavailable?: boolean;
  sftp?: SftpSession;
  sftpOpening?: Promise<SftpSession>;
  /** The target has no GNU tar: directories upload over SFTP. */
  tarUnavailable?: boolean;
}

export class SshCommunicator implements Communicator {
  /** `user@host:port`, for messages. */
  readonly endpoint: string;
  readonly #settings: SshSettings;
  readonly #connector: SshConnector;
  readonly #log: (text: string) => void;
  /** Fires on close(): stops a connect loop that is still running. */
  readonly #closing = new AbortController();
  /** The session mode is `agent` and ssh_pty is off (a terminal per command, which the agent cannot give). */
  readonly #useAgent: boolean;
  #link?: SshLink;
  #connecting?: Promise<SshLink>;
  #resources?: LinkResources;
  #closed = false;

  constructor(settings: SshSettings, options: Pick<SshConnectOptions, "log" | "session"> = {}) {
    this.#settings = settings;
    this.#useAgent = !settings.pty && (options.session ?? "agent") === "agent";
    this.#log = options.log ?? (() => {});
    this.#connector = new SshConnector(settings, this.#log);
    this.endpoint = this.#connector.endpoint;
  }

  /** Makes sure a connection is up (connecting within `timeoutMs`, default `ssh_timeout`). */
  async connect(signal: AbortSignal, timeoutMs = this.#settings.timeoutMs): Promise<void> {
    await this.#live(signal, timeoutMs);
  }

  async exec(command: string, options: ExecOptions): Promise<ExecResult> {
    throwIfAborted(options.signal);
    for (let attempt = 0; ; attempt++) {
      const link = await this.#live(options.signal);
      try {
        const agent = await this.#agent(link, options.signal);
        const running = agent?.run(command, options);
        if (running) return await superviseCommand(link.client, running, options.signal);
        return await runCommand(link.client, this.endpoint, command, { ...options, pty: this.#settings.pty });
      } catch (error) {
        // The connection died between our check and the channel open: nothing ran, so try once more.
        if (error instanceof ChannelNotOpened && attempt === 0) {
          link.client.destroy();
          link.closed = true;
          continue;
        }
        if (error instanceof ChannelNotOpened) {
          throw new SshError(this.endpoint, `cannot start a command: ${error.message}`, { cause: error });
        }
        throw error;
      }
    }
  }

  upload(source: string | Buffer, remotePath: string, options: TransferOptions): Promise<void> {
    const what = `upload ${typeof source === "string" ? source : `${source.length} bytes`} to ${remotePath}`;
    return this.#sftp(what, options.signal, (sftp) =>
      typeof source === "string"
        ? sftp.putFile(source, remotePath, options.mode)
        : sftp.putBuffer(source, remotePath, options.mode),
    );
  }

  /** As one tar stream when the target has GNU tar (ssh-tar.ts), file by file over SFTP otherwise. */
  async uploadDir(localDir: string, remoteDir: string, options: TransferOptions): Promise<void> {
    const what = `upload ${localDir}/ to ${remoteDir}`;
    const { signal } = options;
    throwIfAborted(signal);
    const link = await this.#live(signal);
    const res = this.#resourcesOf(link);
    if (!res.tarUnavailable) {
      try {
        // The walk goes on while tar's channel opens and the target's login shell starts.
        const { mode, entries } = await startLocalWalk(localDir);
        if (await tarUpload(link.client, entries, remoteDir, mode, signal)) return;
      } catch (error) {
        throw this.#transferError(what, signal, error);
      }
      res.tarUnavailable = true;
      this.#log(`${this.endpoint} has no GNU tar: directories upload file by file over SFTP`);
    }
    await this.#sftp(what, signal, (sftp) => sftp.putTree(localDir, remoteDir));
  }

  download(remotePath: string, localPath: string, options: TransferOptions): Promise<void> {
    return this.#sftp(`download ${remotePath} to ${localPath}`, options.signal, (sftp) =>
      sftp.getFile(remotePath, localPath),
    );
  }

  downloadDir(remoteDir: string, localDir: string, options: TransferOptions): Promise<void> {
    return this.#sftp(`download ${remoteDir}/ to ${localDir}`, options.signal, (sftp) =>
      sftp.getTree(remoteDir, localDir),
    );
  }

  remove(remotePath: string, options: RemoveOptions): Promise<void> {
    return this.#sftp(`remove ${remotePath}`, options.signal, (sftp) => sftp.unlink(remotePath));
  }

  /**
   * Drops the connection and connects again within `timeoutMs` (default `ssh_timeout`). Call it once the
   * machine has gone down: called too early, it reconnects to the machine before its reboot.
   */
  async reconnect(signal: AbortSignal, timeoutMs = this.#settings.timeoutMs): Promise<void> {
    throwIfAborted(signal);
    const old = this.#link;
    this.#link = undefined;
    this.#resources = undefined;
    if (old) {
      this.#log(`Reconnecting to ${this.endpoint}`);
      await old.end();
    }
    await this.#live(signal, timeoutMs);
  }

  /** Ends the connection (and the bastion's); later calls fail. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#closing.abort(new KilnError("SSH_CLOSED", `ssh ${this.endpoint}: communicator closed`));
    const link = this.#link;
    this.#link = undefined;
    this.#resources = undefined;
    await this.#connecting?.catch(() => {});
    await Promise.all([link?.end(), this.#connector.close()]);
  }

  /** The live connection, or a new one made within `timeoutMs`. Concurrent callers share one attempt. */
  async #live(signal: AbortSignal, timeoutMs = this.#settings.timeoutMs): Promise<SshLink> {
    for (;;) {
      if (this.#closed) throw new SshError(this.endpoint, "the communicator is closed");
      const current = this.#link;
      if (current && !current.closed) return current;
      let pending = this.#connecting;
      const ours = pending === undefined;
      if (!pending) {
        if (current) this.#log(`Connection to ${this.endpoint} lost; reconnecting`);
        pending = this.#startConnect(signal, timeoutMs);
      }
      try {
        return await raceAbort(pending, signal);
      } catch (error) {
        if (signal.aborted) throw abortReason(signal);
        // Another caller's attempt was cancelled by its own signal: ours is still wanted.
        if (!ours && (isCancellation(error) || error instanceof TimeoutError)) continue;
        throw error;
      }
    }
  }

  #startConnect(signal: AbortSignal, timeoutMs: number): Promise<SshLink> {
    const both = AbortSignal.any([signal, this.#closing.signal]);
    const pending = this.#connector.connect(both, timeoutMs).then(
      (link) => {
        this.#connecting = undefined;
        if (this.#closed) {
          link.end();
          throw new SshError(this.endpoint, "the communicator is closed");
        }
        this.#link = link;
        link.onClose(() => {
          if (this.#link === link && !this.#closed) {
            this.#log(`Connection to ${this.endpoint} closed${link.lastError ? `: ${link.lastError.message}` : ""}`);
          }
        });
        return link;
      },
      (error: unknown) => {
        this.#connecting = undefined;
        throw error;
      },
    );
    this.#connecting = pending;
    return pending;
  }

  /** What `link` has set up so far; a new connection starts with nothing. */
  #resourcesOf(link: SshLink): LinkResources {
    if (this.#resources?.link !== link) this.#resources = { link };
    return this.#resources;
  }

  /**
   * The connection's command agent, started on first use; undefined when the command should get its own
   * channel: agent off (ssh_pty, opt-out), unavailable on this machine, or another command is starting it.
   */
  async #agent(link: SshLink, signal: AbortSignal): Promise<CommandSession | undefined> {
    if (!this.#useAgent) return undefined;
    const res = this.#resourcesOf(link);
    if (res.agentUnavailable || res.agentStarting) return undefined;
    if (res.agent?.usable) return res.agent;
    res.agent = undefined;
    const starting = CommandSession.start(link.client, this.endpoint, signal).then(
      (agent): CommandSession | undefined => {
        if (link.closed || this.#resources !== res) {
          agent.close(); // the connection was replaced while the agent started
          return undefined;
        }
        res.agent = agent;
        return agent;
      },
      (error: unknown) => {
        if (!(error instanceof AgentUnavailable)) throw error;
        res.agentUnavailable = true;
        this.#log(`Commands on ${this.endpoint} use one SSH session each: ${error.message}`);
        return undefined;
      },
    );
    res.agentStarting = starting;
    try {
      return await starting;
    } finally {
      res.agentStarting = undefined;
    }
  }

  /**
   * Runs one transfer on the connection's SFTP session (opened on first use), or on a session of its own
   * when another transfer holds it; failures name the transfer and the endpoint.
   */
  async #sftp(what: string, signal: AbortSignal, work: (sftp: SftpSession) => Promise<void>): Promise<void> {
    throwIfAborted(signal);
    const link = await this.#live(signal);
    const res = this.#resourcesOf(link);
    let own: SftpSession | undefined;
    try {
      let session = await this.#sharedSftp(res, signal);
      // Checked and claimed (by use) with no await in between: concurrent transfers never share it.
      if (!session || session.busy) {
        own = await SftpSession.open(link.client, signal);
        session = own;
      }
      await session.use(signal, work);
    } catch (error) {
      throw this.#transferError(what, signal, error);
    } finally {
      own?.close();
    }
  }

  /**
   * A failed transfer's error: a cancellation as such, an SshError (it names the endpoint) as it is,
   * anything else naming the transfer and the endpoint, keeping a Kiln error's code.
   */
  #transferError(what: string, signal: AbortSignal, error: unknown): unknown {
    if (signal.aborted) return abortReason(signal);
    if (error instanceof SshError || isCancellation(error)) return error;
    const code = error instanceof KilnError ? error.code : undefined;
    return new SshError(this.endpoint, `${what}: ${errorMessage(error)}`, { cause: error, code });
  }

  /** The connection's SFTP session (opened if there is none yet), or undefined while another caller opens it. */
  async #sharedSftp(res: LinkResources, signal: AbortSignal): Promise<SftpSession | undefined> {
    if (res.sftp && !res.sftp.usable) res.sftp = undefined;
    if (res.sftp) return res.sftp;
    if (res.sftpOpening) return undefined;
    const opening = SftpSession.open(res.link.client, signal);
    res.sftpOpening = opening;
    try {
      const session = await opening;
      if (this.#resources === res) res.sftp = session;
      return session;
    } finally {
      res.sftpOpening = undefined;
    }
  }
}
