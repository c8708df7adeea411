import { z } from "zod";
import type { AmazonAmiData } from "../builders/amazon-ebs/data-ami";
import { amazonAmiDataSchema } from "../builders/amazon-ebs/data-ami-schema";
import type { DataSourceDescriptor } from "./types";

/** `data "null"`: hands its input back as `output` (templates use it to name a value once). */
const nullDataSchema = z.strictObject({
  input: z.unknown().describe("Any value; `data.null.<name>.output` returns it unchanged."),
});

const nullDataSource: DataSourceDescriptor<z.infer<typeof nullDataSchema>, { input: unknown; output: unknown }> = {
  type: "null",
  summary: "Hands its input back as `output`: a value named once.",
  schema: nullDataSchema,
  sensitiveFields: [],
  load: async () => ({ read: async (config) => ({ input: config.input, output: config.input }) }),
};

/** `data "amazon-ami"`: an AMI looked up by filters and owners, as Packer's amazon plugin does. */
const amazonAmiDataSource: DataSourceDescriptor<z.infer<typeof amazonAmiDataSchema>, AmazonAmiData> = {
  type: "amazon-ami",
  summary: "An AMI looked up by filters and owners, as Packer's amazon plugin does.",
  schema: amazonAmiDataSchema,
  sensitiveFields: ["secret_key", "token"],
  // Loaded only for templates that use it: it brings the AWS SDK.
  load: async () => {
    const { lookupAmazonAmi } = await import("../builders/amazon-ebs/data-ami");
    return { read: (config, signal) => lookupAmazonAmi(config, { signal }) };
  },
};

/**
 * Every data source, by Packer type name: adding one is a descriptor and one line here, then its reader
 * in the HCL loader (template/hcl2/data-sources.ts, keyed by `DataSourceType`, so a missing one fails
 * `tsc`) and `make generate`.
 */
export const DATA_SOURCES = {
  null: nullDataSource,
  "amazon-ami": amazonAmiDataSource,
} as const;

export type DataSourceType = keyof typeof DATA_SOURCES;
export const dataSourceTypes: readonly DataSourceType[] = Object.keys(DATA_SOURCES).filter(isDataSourceType);

export function isDataSourceType(type: string): type is DataSourceType {
  return Object.hasOwn(DATA_SOURCES, type);
}
