import { z } from "zod";
import type { PostProcessorDescriptor } from "./types";

const ssmParameterSchema = z.strictObject({
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
export type SsmParameterConfig = z.infer<typeof ssmParameterSchema>;

/**
 * `amazon-ssm-parameter` without its runtime (which brings the SSM client; the registry loads it): publishes an amazon-ebs
 * artifact's AMI ID to an SSM parameter, so launch templates and fleets can follow `resolve:ssm:/path`.
 */
export const ssmParameterStatic: Omit<PostProcessorDescriptor<SsmParameterConfig>, "load"> = {
  type: "amazon-ssm-parameter",
  summary: "Publishes an amazon-ebs artifact's AMI ID to an SSM parameter (`resolve:ssm:/path`).",
  schema: ssmParameterSchema,
  sensitiveFields: ["secret_key", "token"],
  check(config) {
    if (config.access_key && !config.secret_key)
      return [{ field: "secret_key", message: "is required with access_key" }];
    if (config.secret_key && !config.access_key)
      return [{ field: "access_key", message: "is required with secret_key" }];
    return [];
  },
  localInputs: () => [],
};
