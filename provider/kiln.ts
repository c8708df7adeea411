/**
 * The composition root: the engine and the template loader joined to Kiln's own plugins. The engine,
 * the spec checks and the template loader import no plugin (`make lint` holds them to it) and receive
 * these registries from here; every front end (the CLI, the Pulumi resource and plugin, the CDKTF
 * command) and the public API use the functions below.
 */

import { builders, loadBuilder } from "./builders/registry";
import { dataSources } from "./datasources/registry";
import type { Artifact } from "./engine/artifact";
import * as engine from "./engine/build";
import type { BuildReporter } from "./engine/events";
import { postProcessors } from "./postprocessors/registry";
import { provisioners } from "./provisioners/registry";
import type { Plugins } from "./spec/plugins";
import type { BuildSpec } from "./spec/types";
import * as template from "./template";

/** Kiln's plugins: descriptors, whose runtimes load when a build runs them; data sources load on first use. */
export const defaultPlugins: Plugins = { builders, provisioners, postProcessors, dataSources };

type Specs = BuildSpec | readonly BuildSpec[];

/** Validates build definitions once, for a later `build()` or `fingerprint()` that then skips it. */
export function prepare(
  spec: Specs,
  options: Pick<engine.BuildOptions, "only" | "except"> = {},
): Promise<engine.PreparedBuilds> {
  return engine.prepare(spec, defaultPlugins, options);
}

/** Validates every build block, reporting the problems of all of them together. */
export function prepareAll(
  specs: readonly BuildSpec[],
  options: Pick<engine.BuildOptions, "only" | "except"> = {},
): ReturnType<typeof engine.prepareAll> {
  return engine.prepareAll(specs, defaultPlugins, options);
}

/**
 * Runs a build: validates the whole spec first unless given it prepared (nothing is created when it is
 * wrong), then builds every source (engine/build.ts).
 */
export async function build(
  spec: Specs | engine.PreparedBuilds,
  options: engine.BuildOptions = {},
): Promise<engine.BuildResult> {
  return engine.build(spec instanceof engine.PreparedBuilds ? spec : await prepare(spec, options), options);
}

/** Fingerprints of every source's build, by build name, without running anything. */
export async function fingerprint(
  spec: Specs | engine.PreparedBuilds,
  options: Pick<engine.BuildOptions, "only" | "except" | "fingerprintExclude"> = {},
): Promise<Record<string, string>> {
  return engine.fingerprint(spec instanceof engine.PreparedBuilds ? spec : await prepare(spec, options), options);
}

/** Loads a Packer template (template/index.ts) whose `data` blocks may name Kiln's data sources. */
export function loadTemplate(path: string, options: template.LoadOptions = {}): Promise<template.LoadedTemplate> {
  return template.loadTemplate(path, dataSources, options);
}

/**
 * Deletes what an artifact consists of (every image in every region and its snapshots) using the
 * builder that made it. A builder that makes nothing to delete (`null`) declares so and succeeds at once;
 * an unknown builder type is an error. Idempotent.
 */
export async function destroyArtifact(
  artifact: Artifact,
  options: { signal?: AbortSignal; reporter?: BuildReporter; config?: unknown } = {},
): Promise<void> {
  const { destroy } = await loadBuilder(artifact.builderType);
  await destroy?.(artifact, {
    signal: options.signal ?? new AbortController().signal,
    reporter: options.reporter,
    config: options.config,
  });
}
