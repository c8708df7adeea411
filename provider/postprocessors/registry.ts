import { lazyRegistry } from "../util/lazy-registry";
import { checksumPostProcessor } from "./checksum";
import { manifestPostProcessor } from "./manifest";
import { shellLocalPostProcessor } from "./shell-local";
import type { PostProcessor } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each post-processor has its own config type
type AnyPostProcessor = PostProcessor<any>;

/** Post-processors by Packer type name. */
export const postProcessors = lazyRegistry<AnyPostProcessor>({
  manifest: () => manifestPostProcessor,
  checksum: () => checksumPostProcessor,
  "shell-local": () => shellLocalPostProcessor,
  // Loaded on first use, like the builders: it brings the SSM client.
  "amazon-ssm-parameter": async () => (await import("./amazon-ssm-parameter")).amazonSsmParameter,
});
