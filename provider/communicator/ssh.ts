/**
 * The SSH communicator: one ssh2 connection per machine, reused by every command and transfer,
 * reconnected on demand after a drop (a reboot), with Packer's connect semantics.
 */
import { abortReason, raceAbort, sleep, throwIfAborted } from "../engine/abort";
import type { MachineAccess } from "../engine/context";
import { errorMessage, formatMs, isCancellation, KilnError, TimeoutError } from "../engine/errors";
import type { CommunicatorConfig } from "./config";
import { SshConnector, type SshLink } from "./ssh-connect";
import { SshError } from "./ssh-errors";
import { ChannelNotOpened, runCommand } from "./ssh-exec";
import { resolveSshSettings, type SshSettings } from "./ssh-settings";
import { SftpSession } from "./ssh-sftp";
import type { Communicator, ExecOptions, ExecResult, TransferOptions } from "./types";

export { SshAuthError, SshError, SshTimeoutError } from "./ssh-errors";
export { SSH_DEFAULTS } from "./ssh-settings";

export interface SshConnectOptions {
  /** Cancels the pause and the connect loop. Later calls take their own signals. */
  readonly signal: AbortSignal;
  /** Directory relative `ssh_private_key_file` / `ssh_bastion_private_key_file` resolve against. */
  readonly baseDir: string;
  /** Progress lines (waiting, connected, connection lost); never contains secrets. */
  readonly log?: (text: string) => void;
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
  const communicator = new SshCommunicator(settings, options.log);
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

export class SshCommunicator implements Communicator {
  /** `user@host:port`, for messages. */
  readonly endpoint: string;
  readonly #settings: SshSettings;
  readonly #connector: SshConnector;
  readonly #log: (text: string) => void;
  /** Fires on close(): stops a connect loop that is still running. */
  readonly #closing = new AbortController();
  #link?: SshLink;
  #connecting?: Promise<SshLink>;
  #closed = false;

  constructor(settings: SshSettings, log?: (text: string) => void) {
    this.#settings = settings;
    this.#log = log ?? (() => {});
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

  uploadDir(localDir: string, remoteDir: string, options: TransferOptions): Promise<void> {
    return this.#sftp(`upload ${localDir}/ to ${remoteDir}`, options.signal, (sftp) =>
      sftp.putTree(localDir, remoteDir),
    );
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

  /**
   * Drops the connection and connects again within `timeoutMs` (default `ssh_timeout`). Call it once the
   * machine has gone down: called too early, it reconnects to the machine before its reboot.
   */
  async reconnect(signal: AbortSignal, timeoutMs = this.#settings.timeoutMs): Promise<void> {
    throwIfAborted(signal);
    const old = this.#link;
    this.#link = undefined;
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

  /** Runs one transfer on its own SFTP channel; failures name the transfer and the endpoint. */
  async #sftp(what: string, signal: AbortSignal, work: (sftp: SftpSession) => Promise<void>): Promise<void> {
    throwIfAborted(signal);
    const link = await this.#live(signal);
    let session: SftpSession | undefined;
    try {
      session = await SftpSession.open(link.client, signal);
      await work(session);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (error instanceof KilnError) throw error;
      throw new SshError(this.endpoint, `${what}: ${errorMessage(error)}`, { cause: error });
    } finally {
      session?.close();
    }
  }
}
