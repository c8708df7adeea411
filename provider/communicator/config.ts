import { z } from "zod";
import { duration } from "../util/duration";

/**
 * Communicator fields every builder accepts, with Packer's names and defaults. Builders spread
 * `communicatorShape` into their own strict schema so unknown fields stay errors.
 */
export const communicatorShape = {
  communicator: z.enum(["ssh", "none"]).optional().describe("`ssh` (default) or `none` (no provisioning possible)."),
  ssh_host: z
    .string()
    .min(1)
    .optional()
    .describe("Overrides the address the builder found; how tests reach a local sshd in place of a cloud VM."),
  ssh_port: z.number().int().min(1).max(65535).optional().describe("SSH port of the build machine. @default 22"),
  ssh_username: z
    .string()
    .min(1)
    .optional()
    .describe("User to log in as, e.g. `ubuntu`. Required with the SSH communicator."),
  ssh_password: z.string().optional().describe("Password authentication."),
  ssh_private_key_file: z
    .string()
    .min(1)
    .optional()
    .describe("Private key file for authentication. @default - a temporary key pair made for the build"),
  ssh_timeout: duration.optional().describe('How long to keep trying to connect. @default "5m"'),
  ssh_handshake_attempts: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Authentication failures tolerated before giving up. @default 10"),
  ssh_keep_alive_interval: duration
    .optional()
    .describe('Interval between keep-alive messages. @default "5s"; "0s" turns keep-alives off.'),
  pause_before_connecting: duration
    .optional()
    .describe('Wait before the first connection attempt (cloud-init still starting sshd). @default "0s"'),
  ssh_bastion_host: z.string().min(1).optional().describe("Bastion (jump) host to connect through."),
  ssh_bastion_port: z.number().int().min(1).max(65535).optional().describe("SSH port of the bastion host. @default 22"),
  ssh_bastion_username: z.string().min(1).optional().describe("User to log in to the bastion as."),
  ssh_bastion_password: z.string().optional().describe("Password for the bastion."),
  ssh_bastion_private_key_file: z.string().min(1).optional().describe("Private key file for the bastion."),
  ssh_pty: z.boolean().optional().describe("Request a pseudo-terminal for commands. @default false"),
  ssh_file_transfer_method: z
    .enum(["scp", "sftp"])
    .optional()
    .describe("Accepted for Packer compatibility; Kiln always transfers over SFTP."),
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
