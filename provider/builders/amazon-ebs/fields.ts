/**
 * Which amazon-ebs fields are not image content, kept apart from the builder (and the AWS SDK it loads)
 * so the Pulumi program side can read them cheaply.
 */

/** Where and as whom Kiln calls AWS, and the temporary access to the build machine. */
export const EBS_ACCESS_FIELDS = [
  "access_key",
  "secret_key",
  "token",
  "profile",
  "custom_endpoint_ec2",
  "max_retries",
  "aws_polling",
  "temporary_key_pair_name",
  "temporary_key_pair_type",
  "temporary_security_group_source_cidrs",
  "temporary_security_group_source_public_ip",
  "ssh_keypair_name",
  "ssh_interface",
] as const;

/**
 * Labels on the image and the temporary resources. Kept in the CLI's fingerprint (a reused AMI must
 * already carry what the config asks for); the Pulumi resource re-applies them in place instead.
 */
export const EBS_LABEL_FIELDS = [
  "ami_name",
  "tags",
  "snapshot_tags",
  "run_tags",
  "run_volume_tags",
  "spot_tags",
] as const;
