import { AddTagsToResourceCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { parseDetails } from "../builders/amazon-ebs/artifact";
import { ssmClient } from "../builders/amazon-ebs/clients";
import { KilnError, operationFailed } from "../engine/errors";
import { type SsmParameterConfig, ssmParameterStatic } from "./amazon-ssm-parameter-config";
import type { PostProcessor } from "./types";

/** Writes the artifact's AMI ID to the parameter; passes the artifact on unchanged. */
export const amazonSsmParameter: PostProcessor<SsmParameterConfig> = {
  ...ssmParameterStatic,
  async run(config, artifact, { ctx, output }, signal) {
    const details = parseDetails(artifact);
    const region = config.region ?? details.buildRegion;
    const imageId = details.amis[region];
    if (!imageId) {
      throw new KilnError(
        "IMAGE_NOT_IN_REGION",
        `artifact ${artifact.id || "(empty)"} of ${artifact.buildName} (${artifact.builderType}) has no AMI in ${region || "any region"}; set region to one of: ${Object.keys(details.amis).join(", ") || "none"}`,
        { context: { build: artifact.buildName, resource: artifact.id, property: "region" } },
      );
    }
    const client = ssmClient({ ...config, region }, region, config.custom_endpoint_ssm);
    try {
      const put = await client.send(
        new PutParameterCommand({
          Name: config.parameter_name,
          Value: imageId,
          Type: "String",
          DataType: config.data_type ?? "aws:ec2:image",
          Description: config.description,
          Tier: config.tier,
          Overwrite: config.overwrite ?? true,
        }),
        { abortSignal: signal },
      );
      // PutParameter refuses tags together with Overwrite, so they are added separately.
      if (config.tags && Object.keys(config.tags).length) {
        await client.send(
          new AddTagsToResourceCommand({
            ResourceType: "Parameter",
            ResourceId: config.parameter_name,
            Tags: Object.entries(config.tags).map(([Key, Value]) => ({ Key, Value })),
          }),
          { abortSignal: signal },
        );
      }
      output("stdout", `${config.parameter_name} = ${imageId} (version ${put.Version ?? "?"}, ${region})`);
    } catch (error) {
      throw operationFailed(
        "AWS_CALL_FAILED",
        `build '${ctx.buildName}': writing SSM parameter ${config.parameter_name} = ${imageId} in ${region}`,
        error,
        { build: ctx.buildName, resource: config.parameter_name },
      );
    } finally {
      client.destroy();
    }
    return artifact;
  },
};
