import { formatMs, KilnError, TimeoutError } from "../engine/errors";

/**
 * An SSH failure that names the endpoint (`user@host:port`) and keeps the underlying error as `cause`.
 * `code` is `SSH_FAILED` for connection, command and transfer failures.
 */
export class SshError extends KilnError {
  readonly endpoint: string;
  constructor(endpoint: string, message: string, options?: { cause?: unknown; code?: string }) {
    super(options?.code ?? "SSH_FAILED", `ssh ${endpoint}: ${message}`, { cause: options?.cause });
    this.endpoint = endpoint;
  }
}

/** The server rejected every credential `ssh_handshake_attempts` times in a row. Code `SSH_AUTH_FAILED`. */
export class SshAuthError extends SshError {
  readonly attempts: number;
  /** Methods Kiln offered, e.g. `["publickey", "password"]`. */
  readonly methods: readonly string[];
  constructor(endpoint: string, attempts: number, methods: readonly string[], cause?: unknown) {
    super(
      endpoint,
      `authentication failed after ${attempts} attempt${attempts === 1 ? "" : "s"} (${methods.join(",") || "no methods"})`,
      { cause, code: "SSH_AUTH_FAILED" },
    );
    this.attempts = attempts;
    this.methods = methods;
  }
}

/** `ssh_timeout` (or a reconnect's limit) ran out; says what the last attempt failed with. */
export class SshTimeoutError extends TimeoutError {
  readonly endpoint: string;
  constructor(endpoint: string, timeoutMs: number, lastError: unknown) {
    super(`ssh ${endpoint}: connect`, timeoutMs);
    this.endpoint = endpoint;
    this.message = `ssh ${endpoint}: could not connect within ${formatMs(timeoutMs)}${
      lastError ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}` : ""
    }`;
    this.cause = lastError;
  }
}
