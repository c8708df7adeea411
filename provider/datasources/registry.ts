import { z } from "zod";
import type { AmazonAmiData } from "../builders/amazon-ebs/data-ami";
import { type AmazonAmiDataConfig, amazonAmiDataSchema } from "../builders/amazon-ebs/data-ami-schema";
import { descriptorRegistry, type Loaded, type Registry } from "../util/lazy-registry";
import type { DataSourceDescriptor } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each data source has its own config and value types
type AnyDataSourceDescriptor = DataSourceDescriptor<any, any>;

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
const amazonAmiDataSource: DataSourceDescriptor<AmazonAmiDataConfig, AmazonAmiData> = {
  type: "amazon-ami",
  summary: "An AMI looked up by filters and owners, as Packer's amazon plugin does.",
  get schema() {
    return amazonAmiDataSchema();
  },
  sensitiveFields: ["secret_key", "token"],
  // Loaded only for templates that use it: it brings the AWS SDK.
  load: async () => {
    const { lookupAmazonAmi } = await import("../builders/amazon-ebs/data-ami");
    return { read: (config, signal) => lookupAmazonAmi(config, { signal }) };
  },
};

/**
 * Every data source, by Packer type name: adding one is a descriptor and one line here, then
 * `make generate`. The HCL loader reads any of them with its block as the config (`null` alone keeps its
 * input an HCL value: template/hcl2/data-sources.ts).
 */
export const DATA_SOURCES = {
  null: nullDataSource,
  "amazon-ami": amazonAmiDataSource,
} as const satisfies Record<string, AnyDataSourceDescriptor>;

export type DataSourceType = keyof typeof DATA_SOURCES;
export const dataSourceTypes: readonly DataSourceType[] = Object.keys(DATA_SOURCES).filter(isDataSourceType);

export function isDataSourceType(type: string): type is DataSourceType {
  return Object.hasOwn(DATA_SOURCES, type);
}

/** Loaded data sources (descriptor and reader together), by type: what the template loader reads with. */
export const dataSources: Registry<Loaded<AnyDataSourceDescriptor>, DataSourceType> = descriptorRegistry<
  AnyDataSourceDescriptor,
  DataSourceType
>(DATA_SOURCES);
