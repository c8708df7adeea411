/**
 * What the BakedImage resource needs to know about each builder beyond the engine's plugin interface:
 * which args key selects it, which fields name and tag the image, and which fields do not change what
 * is in the image (left out of the fingerprint, so editing them updates in place instead of rebaking).
 */
export interface BuilderTraits {
  /** Packer builder type. */
  readonly type: string;
  /** Field holding the image name; the inline form makes it unique with a suffix. */
  readonly nameField?: string;
  /** Tag maps on the image and on its snapshots: top-level `tags` merge under each; update re-applies them. */
  readonly tagFields?: { readonly image: string; readonly snapshots: string };
  /** Config fields outside the content fingerprint. */
  readonly notContent: readonly string[];
}

/** Connection settings every builder accepts: how Kiln reaches the machine, not what ends up on it. */
const COMMUNICATOR_ONLY = [
  "communicator",
  "ssh_host",
  "ssh_port",
  "ssh_password",
  "ssh_private_key_file",
  "ssh_timeout",
  "ssh_handshake_attempts",
  "ssh_keep_alive_interval",
  "pause_before_connecting",
  "ssh_bastion_host",
  "ssh_bastion_port",
  "ssh_bastion_username",
  "ssh_bastion_password",
  "ssh_bastion_private_key_file",
  "ssh_pty",
  "ssh_file_transfer_method",
];

const AMAZON_EBS: BuilderTraits = {
  type: "amazon-ebs",
  nameField: "ami_name",
  tagFields: { image: "tags", snapshots: "snapshot_tags" },
  notContent: [
    ...COMMUNICATOR_ONLY,
    // The name is a label (and carries a per-bake suffix); the inline form replaces on `amiName` edits itself.
    "ami_name",
    "tags",
    "snapshot_tags",
    // Only on the temporary instance, volumes and spot template.
    "run_tags",
    "run_volume_tags",
    "spot_tags",
    // Where and as whom Kiln calls AWS.
    "access_key",
    "secret_key",
    "token",
    "profile",
    "custom_endpoint_ec2",
    "max_retries",
    "aws_polling",
    // Temporary access to the build machine.
    "temporary_security_group_source_cidrs",
    "temporary_security_group_source_public_ip",
    "temporary_key_pair_name",
    "temporary_key_pair_type",
    "ssh_keypair_name",
    "ssh_interface",
  ],
};

const NULL: BuilderTraits = { type: "null", notContent: COMMUNICATOR_ONLY };

const TRAITS: Readonly<Record<string, BuilderTraits>> = { "amazon-ebs": AMAZON_EBS, null: NULL };

/** The inline form's builder keys (`amazonEbs: {...}`) and the builder type each selects. */
export const INLINE_BUILDERS = { amazonEbs: "amazon-ebs" } as const;
export type InlineBuilderKey = keyof typeof INLINE_BUILDERS;

export function traitsOf(type: string): BuilderTraits {
  return TRAITS[type] ?? { type, notContent: COMMUNICATOR_ONLY };
}
