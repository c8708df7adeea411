import { type Registry, staticRegistry } from "../util/lazy-registry";
import { ssmParameterStatic } from "./amazon-ssm-parameter-config";
import { checksumPostProcessor } from "./checksum";
import { manifestPostProcessor } from "./manifest";
import { shellLocalPostProcessor } from "./shell-local";
import { eagerPostProcessor, type PostProcessorDescriptor } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each post-processor has its own config type
type AnyPostProcessorDescriptor = PostProcessorDescriptor<any>;

/**
 * Every post-processor, by Packer type name: adding one is its module (a descriptor) and one line here,
 * then `make generate`. Cloud ones load their SDK only when a build uses them.
 */
export const POST_PROCESSORS = {
  manifest: eagerPostProcessor(manifestPostProcessor),
  checksum: eagerPostProcessor(checksumPostProcessor),
  "shell-local": eagerPostProcessor(shellLocalPostProcessor),
  "amazon-ssm-parameter": {
    ...ssmParameterStatic,
    // Loaded when a build runs it, like the builders: it brings the SSM client.
    load: async () => (await import("./amazon-ssm-parameter")).amazonSsmParameter,
  },
} as const satisfies Record<string, AnyPostProcessorDescriptor>;

export type PostProcessorType = keyof typeof POST_PROCESSORS;

/** The post-processors' descriptors, by type: the engine loads one's runtime when a build runs it. */
export const postProcessors: Registry<AnyPostProcessorDescriptor, PostProcessorType> = staticRegistry(POST_PROCESSORS);
