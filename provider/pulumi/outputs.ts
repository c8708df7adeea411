import type { Artifact } from "../engine/artifact";
import { redactValue } from "../engine/redact";
import type { BuildSpec } from "../spec/types";
import { isPlainObject } from "./packer-fields";

/**
 * Region → image ID, and every snapshot, from an artifact's details: `amis`/`snapshots` for AMIs;
 * `regions` (region → image IDs, the managed image first) for Azure, which has no separate snapshots.
 */
export function imagesOf(artifact: Artifact): { images: Record<string, string>; snapshotIds: string[] } {
  const d = artifact.details;
  const byRegion = isPlainObject(d.amis)
    ? (d.amis as Record<string, string>)
    : isPlainObject(d.regions)
      ? Object.fromEntries(Object.entries(d.regions as Record<string, string[]>).map(([r, ids]) => [r, ids[0] ?? ""]))
      : {};
  const images = Object.fromEntries(Object.entries(byRegion)) as Record<string, string>;
  const snapshotIds = isPlainObject(d.snapshots)
    ? Object.keys(d.snapshots)
        .sort()
        .flatMap((region) => (d.snapshots as Record<string, string[]>)[region] ?? [])
    : [];
  return { images, snapshotIds };
}

/** The image in the build region; the artifact ID for builders without regions. */
export function primaryImageId(artifact: Artifact, buildRegion: string | undefined): string {
  const { images } = imagesOf(artifact);
  const d = artifact.details;
  const own =
    typeof d.buildRegion === "string" ? d.buildRegion : typeof d.location === "string" ? d.location : undefined;
  const region = own ?? buildRegion;
  return (region && images[region]) || Object.values(images)[0] || artifact.id;
}

/**
 * Packer's `packer-manifest.json` for this one build, so Packer users' tooling can read the output.
 * `custom_data` comes from the spec's first `manifest` post-processor, redacted.
 */
export function manifestOf(
  spec: BuildSpec,
  sourceName: string,
  artifact: Artifact,
  runUuid: string,
  buildTime: Date,
  redact: (text: string) => string,
): string {
  const manifestPp = (spec.postProcessors ?? []).flat().find((p) => p.type === "manifest");
  const customData = manifestPp?.config.custom_data;
  return JSON.stringify({
    builds: [
      {
        name: sourceName,
        builder_type: artifact.builderType,
        build_time: Math.floor(buildTime.getTime() / 1000),
        files: artifact.files.length ? artifact.files.map((name) => ({ name })) : null,
        artifact_id: artifact.id,
        packer_run_uuid: runUuid,
        custom_data: isPlainObject(customData) ? redactValue(customData, redact) : null,
      },
    ],
    last_run_uuid: runUuid,
  });
}
