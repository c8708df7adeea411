import { z } from "zod";
import { duration } from "../util/duration";

/**
 * Communicator fields every builder accepts, with Packer's names and defaults. Builders spread
 * `communicatorShape` into their own strict schema so unknown fields stay errors.
 */
export const communicatorShape = {
  /** `ssh` (default) or `none` (no provisioning possible). */
  communicator: z.enum(["ssh", "none"]).optional(),
  /** Overrides the address the builder found; how tests reach a local sshd in place of a cloud VM. */
  ssh_host: z.string().min(1).optional(),
  /** @default 22 */
  ssh_port: z.number().int().min(1).max(65535).optional(),
  ssh_username: z.string().min(1).optional(),
  ssh_password: z.string().optional(),
  ssh_private_key_file: z.string().min(1).optional(),
  /** How long to keep trying to connect. @default "5m" */
  ssh_timeout: duration.optional(),
  /** Authentication failures tolerated before giving up. @default 10 */
  ssh_handshake_attempts: z.number().int().min(1).optional(),
  /** @default "5s"; "0s" turns keep-alives off. */
  ssh_keep_alive_interval: duration.optional(),
  /** Wait before the first connection attempt (cloud-init still starting sshd). @default "0s" */
  pause_before_connecting: duration.optional(),
  ssh_bastion_host: z.string().min(1).optional(),
  /** @default 22 */
  ssh_bastion_port: z.number().int().min(1).max(65535).optional(),
  ssh_bastion_username: z.string().min(1).optional(),
  ssh_bastion_password: z.string().optional(),
  ssh_bastion_private_key_file: z.string().min(1).optional(),
  /** Request a pseudo-terminal for commands. @default false */
  ssh_pty: z.boolean().optional(),
  /** Accepted for Packer compatibility; Kiln always transfers over SFTP. */
  ssh_file_transfer_method: z.enum(["scp", "sftp"]).optional(),
} as const;

export const communicatorSchema = z.object(communicatorShape);
export type CommunicatorConfig = z.infer<typeof communicatorSchema>;

/** Fields whose values are secrets: redacted from output and kept out of state. */
export const sensitiveCommunicatorFields = ["ssh_password", "ssh_bastion_password"] as const;

/**
 * How Kiln reaches the machine, not what ends up on it: every communicator field but the user (files a
 * provisioner creates belong to it) and the choice of communicator. Left out of content fingerprints.
 */
export const connectionOnlyFields: readonly string[] = Object.keys(communicatorShape).filter(
  (field) => field !== "ssh_username" && field !== "communicator",
);
