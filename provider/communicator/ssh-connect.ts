import type { Duplex } from "node:stream";
import type { AnyAuthMethod, AuthenticationType, ClientChannel } from "ssh2";
import { abortReason, childSignal, sleep } from "../engine/abort";
import { errorMessage, KilnError } from "../engine/errors";
import { SshAuthError, SshError, SshTimeoutError } from "./ssh-errors";
import { endpointLabel, type SshEndpoint, type SshSettings } from "./ssh-settings";
import { Client } from "./ssh2-parts";

/** ssh2's own limit for TCP connect + key exchange + auth of one attempt; ssh_timeout bounds the whole loop. */
const ATTEMPT_TIMEOUT_MS = 20_000;
/** Unanswered keep-alives before the connection counts as dead (a rebooting VM sends no FIN). */
const KEEPALIVE_COUNT_MAX = 3;

/** One authenticated SSH connection. `closed` turns true when it goes away, for whatever reason. */
export class SshLink {
  closed = false;
  /** The last error ssh2 reported on this connection (why it closed, usually). */
  lastError?: Error;
  readonly #closeListeners: (() => void)[] = [];

  constructor(
    readonly client: Client,
    readonly endpoint: string,
  ) {
    // A permanent listener: an 'error' event without one would crash the process.
    client.on("error", (error) => {
      this.lastError = error;
    });
    client.once("close", () => {
      this.closed = true;
      for (const listener of this.#closeListeners.splice(0)) listener();
    });
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.#closeListeners.push(listener);
  }

  /** Ends the connection politely, then forcibly if the server does not answer within a second. */
  end(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.client.destroy(), 1_000);
      this.onClose(() => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }
}

/** An authentication round that the server rejected: counts toward ssh_handshake_attempts. */
class AuthRejected extends Error {
  constructor(
    readonly endpoint: string,
    readonly methods: readonly string[],
    serverMethods: readonly string[] | undefined,
  ) {
    super(
      `authentication rejected (offered ${methods.join(",") || "nothing"}${
        serverMethods ? `; server accepts ${serverMethods.join(",")}` : ""
      })`,
    );
  }
}

/**
 * Makes connections to one target (through the bastion when configured), retrying as Packer does:
 * everything is retried until the time limit, but only rejected credentials count toward
 * `ssh_handshake_attempts`. The bastion connection is kept and shared by later reconnects.
 */
export class SshConnector {
  readonly endpoint: string;
  #bastion?: SshLink;

  constructor(
    private readonly settings: SshSettings,
    private readonly log: (text: string) => void,
  ) {
    this.endpoint = endpointLabel(settings.target);
  }

  async connect(signal: AbortSignal, timeoutMs: number): Promise<SshLink> {
    const limit = childSignal(signal, timeoutMs, `ssh ${this.endpoint}: connect`);
    let authFailures = 0;
    let lastError: unknown;
    let lastLogged = "";
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const link = await this.#attempt(limit.signal);
          this.log(`Connected to ${this.endpoint}`);
          return link;
        } catch (error) {
          if (signal.aborted) throw abortReason(signal);
          if (limit.signal.aborted) throw new SshTimeoutError(this.endpoint, timeoutMs, lastError);
          lastError = error;
          if (error instanceof AuthRejected) {
            authFailures++;
            if (authFailures >= this.settings.handshakeAttempts) {
              throw new SshAuthError(error.endpoint, authFailures, error.methods, error);
            }
          }
          // One line per distinct failure: a booting machine refuses the same way for minutes.
          const text = errorMessage(error);
          if (text !== lastLogged) this.log(`Waiting for SSH on ${this.endpoint}: ${text}`);
          lastLogged = text;
        }
        try {
          await sleep(retryDelay(attempt), limit.signal);
        } catch {
          if (signal.aborted) throw abortReason(signal);
          throw new SshTimeoutError(this.endpoint, timeoutMs, lastError);
        }
      }
    } finally {
      limit.dispose();
    }
  }

  /** Closes the bastion connection (target connections are closed by their owner). */
  async close(): Promise<void> {
    const bastion = this.#bastion;
    this.#bastion = undefined;
    await bastion?.end();
  }

  async #attempt(signal: AbortSignal): Promise<SshLink> {
    const { target, bastion, keepAliveMs } = this.settings;
    if (!bastion) return openLink(target, keepAliveMs, signal);
    let jump = this.#bastion;
    if (!jump || jump.closed) {
      jump = await openLink(bastion, keepAliveMs, signal);
      this.#bastion = jump;
    }
    const sock = await forwardOut(jump, target, signal);
    return openLink(target, keepAliveMs, signal, sock);
  }
}

/** Sub-second first retries so a machine that is already up is reached at once, then every 5 s as Packer. */
export function retryDelay(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** attempt);
}

/** Opens one connection and authenticates, or fails; `sock` tunnels it (through a bastion). */
export function openLink(
  endpoint: SshEndpoint,
  keepAliveMs: number,
  signal: AbortSignal,
  sock?: Duplex,
): Promise<SshLink> {
  const label = endpointLabel(endpoint);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const client = new Client();
    const link = new SshLink(client, label);
    const offered: string[] = [];
    let serverMethods: string[] | undefined;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      client.off("error", onError);
      if (error === undefined) return resolve(link);
      client.destroy();
      sock?.destroy();
      reject(error);
    };
    const onAbort = () => finish(abortReason(signal));
    const onError = (error: Error & { level?: string }) => {
      if (isAuthFailure(error)) finish(new AuthRejected(label, offered, serverMethods));
      // Other client-authentication errors (a key that cannot sign) move on to the next method.
      else if (error.level !== "client-authentication") finish(error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    client.on("error", onError);
    client.once("ready", () => finish());
    client.once("close", () =>
      finish(link.lastError ?? new KilnError("SSH_CLOSED", "connection closed during the SSH handshake")),
    );

    const methods = authMethods(endpoint);
    try {
      client.connect({
        host: endpoint.host,
        port: endpoint.port,
        sock,
        username: endpoint.username,
        readyTimeout: ATTEMPT_TIMEOUT_MS,
        keepaliveInterval: keepAliveMs,
        keepaliveCountMax: KEEPALIVE_COUNT_MAX,
        authHandler: (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next) => {
          if (methodsLeft) serverMethods = methodsLeft;
          for (let method = methods.shift(); method; method = methods.shift()) {
            // The first call has no list yet; afterwards offer only what the server still accepts.
            if (methodsLeft && !methodsLeft.includes(method.type)) continue;
            if (!offered.includes(method.type)) offered.push(method.type);
            return next(method);
          }
          return next(false as unknown as AuthenticationType);
        },
      });
      // Nagle off, as Go (Packer) has it on every TCP connection: with it on, each small request that
      // follows an unanswered one waits for the peer's delayed ACK, ~40 ms per SFTP call or command.
      // (A tunnel through a bastion has no socket of its own: its bastion connection gets it.)
      client.setNoDelay(true);
    } catch (error) {
      finish(new SshError(label, `cannot start connecting: ${errorMessage(error)}`, { cause: error }));
    }
  });
}

/** Keys first (cheap to reject), then the password, then keyboard-interactive answering with it. */
function authMethods(endpoint: SshEndpoint): AnyAuthMethod[] {
  const { username, password } = endpoint;
  const methods: AnyAuthMethod[] = endpoint.keys.map((key) => ({ type: "publickey", username, key }));
  if (password !== undefined) {
    methods.push({ type: "password", username, password });
    methods.push({
      type: "keyboard-interactive",
      username,
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  return methods;
}

function isAuthFailure(error: Error & { level?: string }): boolean {
  if (error.level === "client-authentication")
    return /All configured authentication methods failed/.test(error.message);
  // sshd's MaxAuthTries disconnect: "Too many authentication failures".
  return /authentication/i.test(error.message);
}

/** A TCP stream to the target opened by the bastion (ssh -J), to carry the second connection. */
function forwardOut(bastion: SshLink, target: SshEndpoint, signal: AbortSignal): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    let settled = false;
    const onAbort = () => {
      settled = true;
      reject(abortReason(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    bastion.client.forwardOut("127.0.0.1", 0, target.host, target.port, (error, channel) => {
      signal.removeEventListener("abort", onAbort);
      if (settled) {
        channel?.destroy();
        return;
      }
      settled = true;
      if (error) {
        reject(
          new SshError(bastion.endpoint, `bastion cannot reach ${target.host}:${target.port}: ${error.message}`, {
            cause: error,
          }),
        );
      } else resolve(channel);
    });
  });
}
