import { loadBuilder } from "../builders/registry";
import type { Artifact } from "./artifact";
import type { BuildReporter } from "./events";

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
