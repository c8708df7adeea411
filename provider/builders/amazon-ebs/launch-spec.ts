import { readFile } from "node:fs/promises";
import path from "node:path";
import type { InstanceMetadataOptionsRequest, RunInstancesCommandInput } from "@aws-sdk/client-ec2";
import type { BuildContext } from "../../engine/context";
import { operationFailed } from "../../engine/errors";
import type { Having } from "../../engine/typed-step";
import { toBlockDeviceMappings } from "./block-devices";
import { DEFAULT_HTTP_TOKENS, DEFAULT_SHUTDOWN_BEHAVIOR, type EbsConfig } from "./config";
import type { EbsState } from "./state";
import { buildIdTag, tagSpec, toTags } from "./tags";

/** The instance's name in the console unless `run_tags` names it. */
export const INSTANCE_NAME = "Kiln Builder";

/** Resolves `user_data_file` against the template's directory. */
export function userDataPath(config: Pick<EbsConfig, "user_data_file">, baseDir: string): string | undefined {
  return config.user_data_file ? path.resolve(baseDir, config.user_data_file) : undefined;
}

async function userData(config: EbsConfig, ctx: BuildContext): Promise<string | undefined> {
  const file = userDataPath(config, ctx.baseDir);
  if (file) {
    try {
      return (await readFile(file)).toString("base64");
    } catch (error) {
      throw operationFailed("FILE_UNREADABLE", `reading user_data_file ${file}`, error, {
        property: "user_data_file",
        resource: file,
      });
    }
  }
  return config.user_data === undefined ? undefined : Buffer.from(config.user_data).toString("base64");
}

export function metadataOptions(config: EbsConfig): InstanceMetadataOptionsRequest {
  const m = config.metadata_options;
  return {
    HttpEndpoint: m?.http_endpoint ?? "enabled",
    HttpTokens: m?.http_tokens ?? DEFAULT_HTTP_TOKENS,
    HttpPutResponseHopLimit: m?.http_put_response_hop_limit ?? 1,
    InstanceMetadataTags: m?.instance_metadata_tags ?? "disabled",
  };
}

/**
 * Everything about the instance except how it is bought: shared by RunInstances and the spot launch
 * template. Every instance and launch volume carries the build ID tag.
 */
/** What launching needs from earlier steps: the source image, the security groups and the key. */
export type LaunchState = Having<EbsState, "sourceImage" | "securityGroupIds" | "launchKey">;

export async function launchSpec(config: EbsConfig, state: LaunchState, ctx: BuildContext) {
  const groups = state.securityGroupIds;
  // A public address is requested per network interface, which then carries subnet and groups.
  const networkInterfaces =
    config.associate_public_ip_address === undefined
      ? undefined
      : [
          {
            DeviceIndex: 0,
            AssociatePublicIpAddress: config.associate_public_ip_address,
            SubnetId: state.subnetId,
            Groups: groups,
            DeleteOnTermination: true,
          },
        ];
  return {
    ImageId: state.sourceImage.ImageId,
    KeyName: state.launchKey.name,
    SecurityGroupIds: networkInterfaces ? undefined : groups,
    NetworkInterfaces: networkInterfaces,
    IamInstanceProfile: config.iam_instance_profile ? { Name: config.iam_instance_profile } : undefined,
    UserData: await userData(config, ctx),
    MetadataOptions: metadataOptions(config),
    InstanceInitiatedShutdownBehavior: config.shutdown_behavior ?? DEFAULT_SHUTDOWN_BEHAVIOR,
    BlockDeviceMappings: toBlockDeviceMappings(config.launch_block_device_mappings),
    EbsOptimized: config.ebs_optimized,
    TagSpecifications: [
      tagSpec("instance", toTags({ Name: INSTANCE_NAME }, config.run_tags, buildIdTag(ctx.buildId))),
      tagSpec("volume", toTags(config.run_volume_tags, buildIdTag(ctx.buildId))),
    ],
  } satisfies Partial<RunInstancesCommandInput>;
}
