import type { BuilderDescriptor } from "../builders/types";
import type { DataSourceRuntime } from "../datasources/types";
import type { PostProcessorDescriptor } from "../postprocessors/types";
import type { ProvisionerDescriptor } from "../provisioners/types";
import type { Registry } from "../util/lazy-registry";

/**
 * The plugins a build may name, by type. The engine and the template loader receive them from their
 * caller (provider/kiln.ts composes Kiln's own) and import no plugin themselves: a front end or a test
 * can hand them another set, and `make lint` keeps plugins out of the orchestration.
 */
export interface Plugins {
  // Descriptors: validating and fingerprinting a build read only their static parts, and the engine
  // loads a plugin's runtime (a cloud SDK) when the build runs it.
  // biome-ignore lint/suspicious/noExplicitAny: each builder has its own config and state types
  readonly builders: Registry<BuilderDescriptor<any, any>>;
  readonly provisioners: Registry<ProvisionerDescriptor>;
  readonly postProcessors: Registry<PostProcessorDescriptor>;
  readonly dataSources: Registry<DataSourceRuntime>;
}
