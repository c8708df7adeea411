import { z } from "zod";
import { communicatorShape } from "../../communicator/config";
import { internalError } from "../../engine/errors";
import { singleBlock } from "../../util/blocks";
import { lazy } from "../../util/lazy";

/**
 * The builder's schemas, built on first use (util/lazy.ts): the shapes shared with `destroy`, `cleanup`
 * and the `amazon-ami` data source, and the whole source config.
 */
export const ebsSchemas = lazy(() => {
  /** A tag map (`tags = { Name = "web" }`). */
  const tagMap = z.record(z.string(), z.string());

  /** An AWS account ID, as launch and volume permissions name it. */
  const accountId = z.string().regex(/^\d{12}$/, "must be a 12-digit account ID");

  /** `filters = { name = "ubuntu/*", "root-device-type" = "ebs" }`; a list of values is accepted too. */
  const filterMap = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

  /** Credentials, region and endpoint: shared by the builder, `destroy`, `cleanup` and the `amazon-ami` data source. */
  const awsAccessShape = {
    region: z.string().min(1).describe("Region the instance runs in and the AMI is created in."),
    access_key: z
      .string()
      .min(1)
      .optional()
      .describe(
        "With `secret_key`: static credentials. @default - the standard chain (env, profile, SSO, instance role)",
      ),
    secret_key: z.string().min(1).optional().describe("Secret access key, with `access_key`."),
    token: z.string().min(1).optional().describe("Session token for temporary credentials."),
    profile: z.string().min(1).optional().describe("Named profile from the shared config/credentials files."),
    custom_endpoint_ec2: z
      .url()
      .optional()
      .describe(
        "EC2 endpoint URL for every region (Packer's field); also honoured: AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL.",
      ),
    max_retries: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe(
        "SDK attempts per API call after a throttling or transient error (Packer's `max_retries`). @default 10",
      ),
    aws_polling: singleBlock(
      z.strictObject({
        delay_seconds: z.number().int().min(1).optional().describe("Seconds between polls."),
        max_attempts: z.number().int().min(1).optional().describe("Polls before giving up."),
      }),
    )
      .optional()
      .describe(
        "Waiter settings; a fixed delay between polls and a cap on polls. @default - start at 1s, back off, per-waiter timeout",
      ),
  } as const;

  const awsAccessSchema = z.object(awsAccessShape);

  /** Packer's `source_ami_filter` / `data "amazon-ami"` selection. */
  const amiFilterShape = {
    filters: filterMap
      .optional()
      .describe('EC2 filters, e.g. `{ name: "ubuntu/images/*jammy*", "root-device-type": "ebs" }`.'),
    owners: z
      .array(z.string().min(1))
      .min(1)
      .describe(
        "Account IDs or aliases (`amazon`, `self`); required, so a lookalike AMI from a stranger cannot match.",
      ),
    most_recent: z
      .boolean()
      .optional()
      .describe("Take the newest when several match. @default false (several matches is an error)"),
    include_deprecated: z.boolean().optional().describe("Match deprecated AMIs too. @default false"),
  } as const;
  const amiFilterSchema = z.strictObject(amiFilterShape);

  const blockDevice = z.strictObject({
    device_name: z.string().min(1).describe("Device name, e.g. `/dev/sda1`."),
    delete_on_termination: z
      .boolean()
      .optional()
      .describe("Delete the volume when the instance terminates. @default false"),
    encrypted: z.boolean().optional().describe("Encrypt the volume."),
    iops: z.number().int().positive().optional().describe("Provisioned IOPS (io1, io2, gp3)."),
    kms_key_id: z
      .string()
      .min(1)
      .optional()
      .describe("KMS key for `encrypt_boot`. @default - the account's default EBS key"),
    no_device: z.boolean().optional().describe("Suppress a device the AMI maps."),
    snapshot_id: z.string().min(1).optional().describe("Snapshot to create the volume from."),
    throughput: z.number().int().positive().optional().describe("Throughput in MiB/s (gp3)."),
    virtual_name: z.string().min(1).optional().describe("Instance store name (`ephemeral0`…)."),
    volume_size: z.number().int().positive().optional().describe("GiB."),
    volume_type: z.enum(["standard", "io1", "io2", "gp2", "gp3", "sc1", "st1"]).optional().describe("EBS volume type."),
  });

  // AWS's own rule for image names.
  const AMI_NAME = /^[a-zA-Z0-9().\-/_ '@[\]]+$/;

  const ebsSchema = z.strictObject({
    ...communicatorShape,
    ...awsAccessShape,

    // The image.
    ami_name: z
      .string()
      .min(3)
      .max(128)
      .regex(AMI_NAME, "may contain only letters, digits, spaces and ( ) [ ] . / - ' @ _")
      .describe("3–128 characters: letters, digits, ( ) [ ] space . / - ' @ _"),
    ami_description: z.string().optional().describe("Description of the AMI."),
    ami_regions: z.array(z.string().min(1)).optional().describe("Regions to copy the AMI to, in parallel."),
    region_kms_key_ids: tagMap.optional().describe("KMS key per copy region, for encrypted copies."),
    ami_users: z.array(accountId).optional().describe("Account IDs allowed to launch the AMI."),
    ami_groups: z.array(z.literal("all")).optional().describe("Only `all` (public)."),
    ami_org_arns: z.array(z.string().min(1)).optional().describe("AWS Organizations allowed to launch the AMI."),
    ami_ou_arns: z.array(z.string().min(1)).optional().describe("Organizational units allowed to launch the AMI."),
    tags: tagMap.optional().describe("Tags on the AMI in every region."),
    snapshot_tags: tagMap.optional().describe("Tags on the AMI's snapshots in every region."),
    snapshot_users: z.array(accountId).optional().describe("Account IDs allowed to create volumes from the snapshots."),
    snapshot_groups: z.array(z.literal("all")).optional().describe('`["all"]` makes the snapshots public.'),
    force_deregister: z
      .boolean()
      .optional()
      .describe(
        "Replace an existing AMI with the same name (in the build region and every `ami_regions`). @default false",
      ),
    force_delete_snapshot: z
      .boolean()
      .optional()
      .describe("With `force_deregister`: delete the replaced AMI's snapshots too. @default false"),
    encrypt_boot: z
      .boolean()
      .optional()
      .describe("Copy the image encrypted (then drop the unencrypted one). @default false"),
    kms_key_id: z
      .string()
      .min(1)
      .optional()
      .describe("KMS key for `encrypt_boot`. @default - the account's default EBS key"),
    imds_support: z
      .literal("v2.0")
      .optional()
      .describe("`v2.0`: instances launched from the AMI require IMDSv2. @default - unset (the launch decides)"),
    deprecate_at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("RFC 3339 time after which the AMI is deprecated."),
    skip_create_ami: z
      .boolean()
      .optional()
      .describe("Provision and tear down without creating an AMI (for testing provisioners). @default false"),
    ami_block_device_mappings: z.array(blockDevice).optional().describe("Block devices of the AMI."),

    // The instance.
    source_ami: z
      .string()
      .regex(/^ami-[0-9a-f]+$/, "must be an AMI ID (ami-…)")
      .optional()
      .describe("The AMI to start from. Set this or `source_ami_filter`."),
    source_ami_filter: singleBlock(amiFilterSchema)
      .optional()
      .describe("Pick the source AMI by filters; `owners` is required so a lookalike cannot match."),
    instance_type: z.string().min(1).optional().describe("Instance type of the build machine, e.g. `t3.micro`."),
    iam_instance_profile: z.string().min(1).optional().describe("Instance profile of the build instance."),
    user_data: z.string().optional().describe("User data for the build instance."),
    user_data_file: z
      .string()
      .min(1)
      .optional()
      .describe("A local file whose bytes are part of the image's fingerprint."),
    run_tags: tagMap.optional().describe("Tags on the build instance."),
    run_volume_tags: tagMap.optional().describe("Tags on the volumes launched with the build instance."),
    launch_block_device_mappings: z
      .array(blockDevice)
      .optional()
      .describe("Block devices of the build instance (and of the AMI made from it)."),
    associate_public_ip_address: z.boolean().optional().describe("Give the build instance a public address."),
    availability_zone: z.string().min(1).optional().describe("Availability zone of the build instance."),
    ebs_optimized: z.boolean().optional().describe("Launch an EBS-optimized instance."),
    shutdown_behavior: z
      .enum(["stop", "terminate"])
      .optional()
      .describe('What an OS-level shutdown does to the build instance. @default "stop"'),
    metadata_options: singleBlock(
      z.strictObject({
        http_endpoint: z
          .enum(["enabled", "disabled"])
          .optional()
          .describe('Metadata service on or off. @default "enabled"'),
        http_tokens: z
          .enum(["required", "optional"])
          .optional()
          .describe('Whether IMDSv2 tokens are required. @default "required" (Packer: "optional")'),
        http_put_response_hop_limit: z
          .number()
          .int()
          .min(1)
          .max(64)
          .optional()
          .describe("Hops a metadata token may travel. @default 1"),
        instance_metadata_tags: z
          .enum(["enabled", "disabled"])
          .optional()
          .describe('Instance tags in the metadata service. @default "disabled"'),
      }),
    )
      .optional()
      .describe("Instance metadata service; Kiln requires IMDSv2 tokens unless told otherwise."),
    disable_stop_instance: z
      .boolean()
      .optional()
      .describe("The instance shuts itself down; wait for it instead of calling StopInstances. @default false"),
    spot_price: z
      .string()
      .regex(/^(auto|\d+(\.\d+)?)$/, 'must be a price such as "0.05", or "auto"')
      .optional()
      .describe("Maximum hourly price, or `auto` (on-demand price cap); launches a spot instance."),
    spot_instance_types: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Instance types the spot request may use, in place of `instance_type`."),
    spot_tags: tagMap.optional().describe("Tags on the spot launch template."),

    // Network.
    vpc_id: z.string().min(1).optional().describe("VPC of the build instance."),
    subnet_id: z.string().min(1).optional().describe("Subnet of the build instance."),
    subnet_filter: singleBlock(
      z.strictObject({
        filters: filterMap.describe(
          'EC2 filters, e.g. `{ name: "ubuntu/images/*jammy*", "root-device-type": "ebs" }`.',
        ),
        most_free: z.boolean().optional().describe("Pick the subnet with the most free addresses. @default false"),
        random: z.boolean().optional().describe("Pick one at random. @default false"),
      }),
    )
      .optional()
      .describe("Pick the subnet by filters."),
    security_group_id: z.string().min(1).optional().describe("Existing security group for the build instance."),
    security_group_ids: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Existing security groups for the build instance."),
    security_group_filter: singleBlock(
      z.strictObject({
        filters: filterMap.describe(
          'EC2 filters, e.g. `{ name: "ubuntu/images/*jammy*", "root-device-type": "ebs" }`.',
        ),
      }),
    )
      .optional()
      .describe("Pick security groups by filters."),
    temporary_security_group_source_cidrs: z
      .array(z.cidrv4().or(z.cidrv6()))
      .min(1)
      .optional()
      .describe(
        "Who may reach the communicator port through the temporary security group. @default - this machine's public address (/32), looked up; the build stops if that fails",
      ),
    temporary_security_group_source_public_ip: z
      .boolean()
      .optional()
      .describe("Accepted for Packer compatibility: Kiln always uses the public address when no CIDRs are given."),
    temporary_key_pair_name: z
      .string()
      .min(1)
      .optional()
      .describe('Name of the temporary key pair. @default "kiln_<build id>"'),
    temporary_key_pair_type: z
      .enum(["ed25519", "rsa"])
      .optional()
      .describe(
        'Type of the temporary key pair. @default "ed25519" (Packer: "rsa"; modern OpenSSH rejects ssh-rsa signatures)',
      ),
    ssh_keypair_name: z
      .string()
      .min(1)
      .optional()
      .describe("An existing EC2 key pair whose private key is `ssh_private_key_file`."),
    ssh_interface: z
      .enum(["public_ip", "private_ip", "public_dns", "private_dns"])
      .optional()
      .describe("Which address of the instance to connect to. @default - public IP, else private IP"),
  });
  return { awsAccessShape, awsAccessSchema, amiFilterShape, amiFilterSchema, blockDevice, ebsSchema };
});

type EbsSchemas = ReturnType<typeof ebsSchemas>;
export type AwsAccessConfig = z.infer<EbsSchemas["awsAccessSchema"]>;
export type AmiFilter = z.infer<EbsSchemas["amiFilterSchema"]>;
export type BlockDevice = z.infer<EbsSchemas["blockDevice"]>;

export type EbsConfig = z.infer<EbsSchemas["ebsSchema"]>;

export const DEFAULT_KEY_PAIR_TYPE = "ed25519";
export const DEFAULT_SHUTDOWN_BEHAVIOR = "stop";
export const DEFAULT_HTTP_TOKENS = "required";

/** The groups the instance joins: a temporary one, or the user's by ID or by filter (at most one: checks). */
export type SecurityGroups =
  | { readonly kind: "temporary" }
  | { readonly kind: "ids"; readonly ids: readonly string[] }
  | { readonly kind: "filter"; readonly filters: Readonly<Record<string, string | string[]>> };

export function securityGroupsOf(config: EbsConfig): SecurityGroups {
  if (config.security_group_filter) return { kind: "filter", filters: config.security_group_filter.filters };
  if (config.security_group_ids) return { kind: "ids", ids: config.security_group_ids };
  if (config.security_group_id) return { kind: "ids", ids: [config.security_group_id] };
  return { kind: "temporary" };
}

/** Whether the build creates its own security group (none of the `security_group_*` fields given). */
export function usesTemporarySecurityGroup(config: EbsConfig): boolean {
  return securityGroupsOf(config).kind === "temporary";
}

/**
 * How the build instance is bought: on demand as `instance_type`, or (with `spot_price`) spot over
 * `spot_instance_types` or `instance_type`; the checks require one of the two type fields.
 */
export type Purchase =
  | { readonly kind: "on-demand"; readonly instanceType: string }
  | { readonly kind: "spot"; readonly instanceTypes: readonly string[]; readonly maxPrice?: string };

export function purchaseOf(config: EbsConfig): Purchase {
  const types = config.spot_instance_types ?? (config.instance_type ? [config.instance_type] : []);
  if (config.spot_price && types.length)
    return {
      kind: "spot",
      instanceTypes: types,
      maxPrice: config.spot_price === "auto" ? undefined : config.spot_price,
    };
  if (!config.spot_price && config.instance_type) return { kind: "on-demand", instanceType: config.instance_type };
  throw internalError("amazon-ebs: no instance type to launch (the config checks reject this config)");
}

/** Whether the build creates a temporary key pair. */
export function usesTemporaryKeyPair(config: EbsConfig): boolean {
  return config.communicator !== "none" && !config.ssh_private_key_file && config.ssh_password === undefined;
}

/** Regions the image ends up in: the build region first, then each of `ami_regions` once. */
export function imageRegions(config: Pick<EbsConfig, "region" | "ami_regions">): string[] {
  return [...new Set([config.region, ...(config.ami_regions ?? [])])];
}

/** Cross-field checks Packer makes in `Prepare`, with messages that name the fields. */
export function checkEbsConfig(c: EbsConfig): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (!c.source_ami && !c.source_ami_filter) add("source_ami", "is required (or set source_ami_filter)");
  if (c.source_ami && c.source_ami_filter) add("source_ami_filter", "cannot be set together with source_ami");
  if (!c.instance_type && !c.spot_instance_types) add("instance_type", "is required");
  if (c.spot_instance_types && !c.spot_price) add("spot_instance_types", "requires spot_price");
  if (c.instance_type && c.spot_instance_types) add("spot_instance_types", "cannot be set together with instance_type");
  if (c.user_data !== undefined && c.user_data_file) add("user_data_file", "cannot be set together with user_data");
  const groups = [c.security_group_id, c.security_group_ids, c.security_group_filter].filter(Boolean).length;
  if (groups > 1)
    add("security_group_ids", "set only one of security_group_id, security_group_ids, security_group_filter");
  if (groups > 0 && c.temporary_security_group_source_cidrs)
    add(
      "temporary_security_group_source_cidrs",
      "applies only to the temporary security group; remove it or the security_group_* field",
    );
  if (c.subnet_id && c.subnet_filter) add("subnet_filter", "cannot be set together with subnet_id");
  if (c.subnet_filter?.most_free && c.subnet_filter.random)
    add("subnet_filter.random", "cannot be set together with most_free");
  if (c.vpc_id && !c.subnet_id && !c.subnet_filter) add("vpc_id", "requires subnet_id or subnet_filter");
  if (c.kms_key_id && !c.encrypt_boot) add("kms_key_id", "requires encrypt_boot = true");
  if (c.region_kms_key_ids && !c.encrypt_boot) add("region_kms_key_ids", "requires encrypt_boot = true");
  if (c.ssh_keypair_name && !c.ssh_private_key_file) add("ssh_keypair_name", "requires ssh_private_key_file");
  if (c.force_delete_snapshot && !c.force_deregister) add("force_delete_snapshot", "requires force_deregister = true");
  if (c.communicator !== "none" && !c.ssh_username) add("ssh_username", "is required");
  for (const region of Object.keys(c.region_kms_key_ids ?? {})) {
    if (!imageRegions(c).includes(region)) add(`region_kms_key_ids.${region}`, "names a region not in ami_regions");
  }
  if (c.encrypt_boot && c.region_kms_key_ids) {
    for (const region of c.ami_regions ?? []) {
      if (region !== c.region && !c.region_kms_key_ids[region])
        add("region_kms_key_ids", `needs a key for ${region} when encrypt_boot is set with region_kms_key_ids`);
    }
  }
  if (c.access_key && !c.secret_key) add("secret_key", "is required with access_key");
  if (c.secret_key && !c.access_key) add("access_key", "is required with secret_key");
  return problems;
}
