/**
 * Kiln's programmatic API: build machine images from a typed spec or a Packer template, with events,
 * cancellation and cleanup, and destroy what a build made.
 */
export type { Artifact } from "./engine/artifact";
export type { BuildOptions, BuildOutcome, BuildResult } from "./engine/build";
export { BuildFailedError, PreparedBuilds } from "./engine/build";
export type { ConfigProblem, SourceLocation } from "./engine/errors";
export {
  CancelledError,
  CleanupError,
  CommandError,
  ConfigError,
  KilnError,
  StepError,
  TimeoutError,
} from "./engine/errors";
export type { BuildEvent, EventSink } from "./engine/events";
export type { OnError } from "./engine/step";
export {
  build,
  defaultPlugins,
  destroyArtifact,
  fingerprint,
  loadTemplate,
  prepare,
  prepareAll,
} from "./kiln";
export type { Plugins } from "./spec/plugins";
export type { BuildSpec, PostProcessorSpec, ProvisionerSpec, SourceSpec } from "./spec/types";
export type { LoadedTemplate, LoadOptions } from "./template";
