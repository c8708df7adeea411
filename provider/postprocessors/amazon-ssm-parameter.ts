import { AddTagsToResourceCommand, PutParameterCommand } from "@aws-sdk/client-ssm";
import { z } from "zod";
import { parseDetails } from "../builders/amazon-ebs/artifact";
import { ssmClient } from "../builders/amazon-ebs/clients";
import type { PostProcessor } from "./types";

const schema = z.strictObject({
  parameter_name: z
    .string()
    .regex(/^[a-zA-Z0-9_.\-/]+$/, "may contain only letters, digits and _ . - /")
    .describe("Parameter to write, e.g. `/images/web/latest`."),
  region: z
    .string()
    .min(1)
    .optional()
    .describe("Region of the parameter, and whose AMI it names. @default - the artifact's build region"),
  access_key: z
    .string()
    .min(1)
    .optional()
    .describe("With `secret_key`: static credentials. @default - the standard chain"),
  secret_key: z.string().min(1).optional().describe("Secret access key, with `access_key`."),
  token: z.string().min(1).optional().describe("Session token for temporary credentials."),
  profile: z.string().min(1).optional().describe("Named profile from the shared config files."),
  custom_endpoint_ssm: z
    .url()
    .optional()
    .describe("SSM endpoint URL (tests, VPC endpoints); also honoured: AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL."),
  max_retries: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("SDK attempts per call after throttling or transient errors. @default 10"),
  description: z.string().optional().describe("Description of the parameter."),
  data_type: z
    .enum(["aws:ec2:image", "text"])
    .optional()
    .describe('`aws:ec2:image` makes SSM check the value is an AMI ID. @default "aws:ec2:image"'),
  tier: z
    .enum(["Standard", "Advanced", "Intelligent-Tiering"])
    .optional()
    .describe('Parameter tier. @default "Standard"'),
  overwrite: z
    .boolean()
    .optional()
    .describe("Replace the parameter's value if it exists (a new version). @default true"),
  tags: z.record(z.string(), z.string()).optional().describe("Tags on the parameter."),
});
export type SsmParameterConfig = z.infer<typeof schema>;

/**
 * Publishes an amazon-ebs artifact's AMI ID to an SSM parameter, so launch templates and fleets can
 * follow `resolve:ssm:/path`. Passes the artifact on unchanged.
 */
export const amazonSsmParameter: PostProcessor<SsmParameterConfig> = {
  type: "amazon-ssm-parameter",
  schema,
  sensitiveFields: ["secret_key", "token"],
  check(config) {
    if (config.access_key && !config.secret_key)
      return [{ field: "secret_key", message: "is required with access_key" }];
    if (config.secret_key && !config.access_key)
      return [{ field: "access_key", message: "is required with secret_key" }];
    return [];
  },
  localInputs: () => [],
  async run(config, artifact, { ctx, output }, signal) {
    const details = parseDetails(artifact);
    const region = config.region ?? details.buildRegion;
    const imageId = details.amis[region];
    if (!imageId) {
      throw new Error(
        `artifact ${artifact.id || "(empty)"} of ${artifact.buildName} (${artifact.builderType}) has no AMI in ${region || "any region"}; set region to one of: ${Object.keys(details.amis).join(", ") || "none"}`,
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
      throw new Error(
        `build '${ctx.buildName}': writing SSM parameter ${config.parameter_name} = ${imageId} in ${region} failed: ${(error as Error).message}`,
        { cause: error },
      );
    } finally {
      client.destroy();
    }
    return artifact;
  },
};
