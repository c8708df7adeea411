import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { MachineAccess } from "../engine/context";
import { ConfigError, type ConfigProblem } from "../engine/errors";
import type { CommunicatorConfig } from "./config";
import { parseKey } from "./ssh2-parts";

/** One SSH server to log in to, with every credential we may offer it. */
export interface SshEndpoint {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  /** Private keys (OpenSSH/PEM text), tried in order before the password. */
  readonly keys: readonly string[];
}

/** The communicator config resolved against the builder's machine: defaults applied, key files read. */
export interface SshSettings {
  readonly target: SshEndpoint;
  readonly bastion?: SshEndpoint;
  readonly timeoutMs: number;
  readonly handshakeAttempts: number;
  /** 0 = no keep-alives. */
  readonly keepAliveMs: number;
  readonly pauseMs: number;
  readonly pty: boolean;
}

/** Packer's defaults (packer-plugin-sdk communicator/config.go). */
export const SSH_DEFAULTS = {
  port: 22,
  timeoutMs: 5 * 60_000,
  handshakeAttempts: 10,
  keepAliveMs: 5_000,
} as const;

/** `user@host:port`, with IPv6 hosts bracketed. */
export function endpointLabel(e: Pick<SshEndpoint, "host" | "port" | "username">): string {
  const host = e.host.includes(":") ? `[${e.host}]` : e.host;
  return `${e.username}@${host}:${e.port}`;
}

/**
 * Validates what the schema cannot (cross-field rules, key files) and throws one ConfigError listing
 * every problem.
 */
export function resolveSshSettings(config: CommunicatorConfig, target: MachineAccess, baseDir: string): SshSettings {
  const problems: ConfigProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });

  if (config.communicator === "none") problem("communicator", 'is "none": there is no SSH connection to make');
  const username = config.ssh_username;
  if (!username) problem("ssh_username", 'is required with the "ssh" communicator');
  const host = config.ssh_host ?? target.host;
  if (!host) problem("ssh_host", "is required: the builder did not report an address");

  const keys: string[] = [];
  if (config.ssh_private_key_file) {
    const key = readKeyFile("ssh_private_key_file", config.ssh_private_key_file, baseDir, problem);
    if (key) keys.push(key);
  }
  if (target.privateKey) {
    const parsed = parseKey(target.privateKey);
    if (parsed instanceof Error)
      problem("ssh_private_key_file", `the builder's temporary key is unusable: ${parsed.message}`);
    else keys.push(target.privateKey);
  }
  if (keys.length === 0 && config.ssh_password === undefined && !config.ssh_private_key_file) {
    problem("ssh_password", "or ssh_private_key_file is required: the builder provided no temporary key");
  }

  let bastion: SshEndpoint | undefined;
  if (config.ssh_bastion_host) {
    const bastionKeys: string[] = [];
    if (config.ssh_bastion_private_key_file) {
      const key = readKeyFile("ssh_bastion_private_key_file", config.ssh_bastion_private_key_file, baseDir, problem);
      if (key) bastionKeys.push(key);
    } else if (config.ssh_bastion_password === undefined) {
      problem("ssh_bastion_password", "or ssh_bastion_private_key_file is required with ssh_bastion_host");
    }
    bastion = {
      host: config.ssh_bastion_host,
      port: config.ssh_bastion_port ?? SSH_DEFAULTS.port,
      // Packer falls back to the target's user for the bastion too.
      username: config.ssh_bastion_username ?? username ?? "",
      password: config.ssh_bastion_password,
      keys: bastionKeys,
    };
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    target: {
      host: host as string,
      port: config.ssh_port ?? target.port ?? SSH_DEFAULTS.port,
      username: username as string,
      password: config.ssh_password,
      keys,
    },
    bastion,
    timeoutMs: config.ssh_timeout ?? SSH_DEFAULTS.timeoutMs,
    handshakeAttempts: config.ssh_handshake_attempts ?? SSH_DEFAULTS.handshakeAttempts,
    keepAliveMs: config.ssh_keep_alive_interval ?? SSH_DEFAULTS.keepAliveMs,
    pauseMs: config.pause_before_connecting ?? 0,
    pty: config.ssh_pty ?? false,
  };
}

/** Reads and checks a private key file (`~` expanded, relative to the template); problems name the field. */
function readKeyFile(
  field: string,
  file: string,
  baseDir: string,
  problem: (field: string, message: string) => void,
): string | undefined {
  const expanded = file === "~" || file.startsWith("~/") ? path.join(os.homedir(), file.slice(1)) : file;
  const resolved = path.resolve(baseDir, expanded);
  let text: string;
  try {
    text = fs.readFileSync(resolved, "utf8");
  } catch (error) {
    problem(field, `cannot read ${resolved}: ${(error as Error).message}`);
    return undefined;
  }
  const parsed = parseKey(text);
  if (parsed instanceof Error) {
    problem(field, `${resolved} is not a usable private key: ${parsed.message}`);
    return undefined;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) {
    problem(field, `${resolved} holds a public key, not a private key`);
    return undefined;
  }
  return text;
}
