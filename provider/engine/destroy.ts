import { destroyers } from "../builders/registry";
import type { Artifact } from "./artifact";
import type { BuildReporter } from "./events";

/**
 * Deletes what an artifact consists of (every image in every region and its snapshots) using the
 * builder that made it. Artifacts with nothing to delete (`null`) succeed at once. Idempotent.
 */
export async function destroyArtifact(
  artifact: Artifact,
  options: { signal?: AbortSignal; reporter?: BuildReporter; config?: unknown } = {},
): Promise<void> {
  const destroyer = await destroyers.get(artifact.builderType);
  if (!destroyer) return;
  await destroyer(artifact, {
    signal: options.signal ?? new AbortController().signal,
    reporter: options.reporter,
    config: options.config,
  });
}
