import {
  type _InstanceType,
  CreateFleetCommand,
  CreateLaunchTemplateCommand,
  DeleteLaunchTemplateCommand,
  DescribeLaunchTemplatesCommand,
  type EC2Client,
  type RequestLaunchTemplateData,
} from "@aws-sdk/client-ec2";
import type { BuildContext } from "../../engine/context";
import { KilnError, operationFailed } from "../../engine/errors";
import type { EbsConfig, Purchase } from "./config";
import { type LaunchState, launchSpec } from "./launch-spec";
import { awsCode } from "./polling";
import { replyField } from "./reply";
import type { EbsState } from "./state";
import { buildIdFilter, buildIdTag, tagSpec, toTags } from "./tags";

/**
 * Launches one spot instance as Packer does: a launch template with the instance's settings, then an
 * `instant` EC2 fleet over `spot_instance_types` (or `instance_type`) capped at `spot_price`.
 */
export async function launchSpot(
  ec2: EC2Client,
  config: EbsConfig,
  purchase: Extract<Purchase, { kind: "spot" }>,
  state: LaunchState,
  ctx: BuildContext,
  signal: AbortSignal,
): Promise<string> {
  const { SecurityGroupIds, NetworkInterfaces, ...spec } = await launchSpec(config, state, ctx);
  const data: RequestLaunchTemplateData = {
    ImageId: spec.ImageId,
    KeyName: spec.KeyName,
    SecurityGroupIds,
    NetworkInterfaces,
    IamInstanceProfile: spec.IamInstanceProfile,
    UserData: spec.UserData,
    MetadataOptions: spec.MetadataOptions,
    BlockDeviceMappings: spec.BlockDeviceMappings,
    EbsOptimized: spec.EbsOptimized,
    TagSpecifications: spec.TagSpecifications,
  };
  const name = `kiln_${ctx.buildId}`;
  state.launchTemplate = { name };
  const template = await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: name,
      LaunchTemplateData: data,
      TagSpecifications: [tagSpec("launch-template", toTags(config.spot_tags, buildIdTag(ctx.buildId)))],
    }),
    { abortSignal: signal },
  );
  const templateId = replyField(template.LaunchTemplate, "LaunchTemplateId", "CreateLaunchTemplate");
  state.launchTemplate.id = templateId;

  const { instanceTypes: types, maxPrice } = purchase;
  state.launchAttempted = true;
  const fleet = await ec2.send(
    new CreateFleetCommand({
      Type: "instant",
      TargetCapacitySpecification: { TotalTargetCapacity: 1, DefaultTargetCapacityType: "spot" },
      SpotOptions: { AllocationStrategy: "price-capacity-optimized" },
      LaunchTemplateConfigs: [
        {
          LaunchTemplateSpecification: { LaunchTemplateId: templateId, Version: "$Latest" },
          Overrides: types.map((InstanceType) => ({
            InstanceType: InstanceType as _InstanceType,
            MaxPrice: maxPrice,
            SubnetId: NetworkInterfaces ? undefined : state.subnetId,
            AvailabilityZone: state.subnetId ? undefined : state.availabilityZone,
          })),
        },
      ],
    }),
    { abortSignal: signal },
  );
  const instanceId = fleet.Instances?.flatMap((i) => i.InstanceIds ?? [])[0];
  if (!instanceId) {
    const why = (fleet.Errors ?? []).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`).join("; ");
    throw new KilnError(
      "SPOT_CAPACITY_UNAVAILABLE",
      `no spot capacity for ${types.join(", ")} at ${config.spot_price}${why ? `: ${why}` : ""}`,
      { context: { property: "spot_price" } },
    );
  }
  return instanceId;
}

/** Deletes the spot launch template, by ID or (if the create reply was lost) found by its build tag. */
export async function deleteLaunchTemplate(
  ec2: EC2Client,
  state: EbsState,
  buildId: string,
  signal: AbortSignal,
): Promise<void> {
  const template = state.launchTemplate;
  if (!template) return;
  let ids = template.id ? [template.id] : [];
  if (!ids.length) {
    const out = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [buildIdFilter(buildId)] }), {
      abortSignal: signal,
    });
    ids = (out.LaunchTemplates ?? []).flatMap((t) => (t.LaunchTemplateId ? [t.LaunchTemplateId] : []));
  }
  for (const id of ids) {
    try {
      await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: id }), { abortSignal: signal });
    } catch (error) {
      if (awsCode(error) !== "InvalidLaunchTemplateId.NotFound") {
        throw operationFailed("AWS_DELETE_FAILED", `deleting launch template ${id}`, error, { resource: id });
      }
    }
  }
  state.launchTemplate = undefined;
}
