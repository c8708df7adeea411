/**
 * The channel to the machine being built. Every method honours its AbortSignal: an aborted `exec` stops
 * the remote process (not just the local wait), an aborted transfer stops mid-file.
 */
export interface Communicator {
  /** Where commands run, `user@host:port`: named in errors. */
  readonly endpoint: string;
  /** Runs `command` through the remote shell, streaming output line by line as it arrives. */
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  /** Writes a local file, or the given bytes, to `remotePath` (parent directory must exist). */
  upload(source: string | Buffer, remotePath: string, options: TransferOptions): Promise<void>;
  /** Copies the contents of `localDir` into `remoteDir` (created if missing), recursively. */
  uploadDir(localDir: string, remoteDir: string, options: TransferOptions): Promise<void>;
  download(remotePath: string, localPath: string, options: TransferOptions): Promise<void>;
  /** Copies the contents of `remoteDir` into `localDir` (created if missing), recursively. */
  downloadDir(remoteDir: string, localDir: string, options: TransferOptions): Promise<void>;
  /** Deletes one remote file; a file that does not exist is not an error. */
  remove(remotePath: string, options: RemoveOptions): Promise<void>;
  /**
   * Drops the current connection and connects again, retrying until `timeoutMs` (the machine may be
   * rebooting). Calls after an unexpected drop reconnect on their own; this is for callers that know.
   */
  reconnect(signal: AbortSignal, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface ExecOptions {
  readonly signal: AbortSignal;
  readonly onStdout?: (line: string) => void;
  readonly onStderr?: (line: string) => void;
}

export interface ExecResult {
  /**
   * Null when the command ended without a status: killed by a signal, or the connection dropped. Through
   * the SSH command agent (the default, see ssh-session.ts) a command killed by a signal reports what its
   * shell sees, 128 + the signal number, as Packer reports it.
   */
  readonly exitCode: number | null;
  readonly exitSignal?: string;
  /** True when the connection went away before the command reported an exit status (e.g. a reboot). */
  readonly disconnected: boolean;
}

export interface TransferOptions {
  readonly signal: AbortSignal;
  /** File mode for uploaded files; default keeps the local mode (0644 for buffers). */
  readonly mode?: number;
}

export interface RemoveOptions {
  readonly signal: AbortSignal;
}

/**
 * How commands reach the machine. `agent` (the default) runs them in the connection's command agent
 * (ssh-session.ts): the login environment is captured once per connection, so a command that changes
 * ~/.bashrc (or /etc/profile.d) is not seen by later commands until a reconnect. `per-command` gives every
 * command its own SSH session, as Packer does: every command re-reads startup files (slower when they
 * are heavy). `ssh_pty` always uses a session per command: the agent cannot give a terminal.
 */
export type SshSessionMode = "agent" | "per-command";
export const SSH_SESSION_MODES: readonly SshSessionMode[] = ["agent", "per-command"];
