import type { Artifact } from "../../engine/artifact";
import type { BuildContext } from "../../engine/context";

/** What an azure-arm artifact's `details` hold: enough to find, tag and destroy it without the build. */
export interface AzureArtifactDetails {
  readonly subscriptionId: string;
  /** Canonical location of the build (and of the managed image). */
  readonly location: string;
  readonly managedImageId?: string;
  readonly galleryImageVersionId?: string;
  /** Region → the image IDs usable there: the managed image in its location, the gallery version in each replica region. */
  readonly regions: Readonly<Record<string, readonly string[]>>;
  readonly fingerprint: string;
  /** True when this artifact was found from an earlier build instead of baked. */
  readonly reused?: boolean;
}

export function azureArtifact(
  ctx: Pick<BuildContext, "buildName" | "fingerprint">,
  parts: {
    subscriptionId: string;
    location: string;
    managedImageId?: string;
    galleryImageVersionId?: string;
    galleryRegions?: readonly string[];
    reused?: boolean;
  },
): Artifact {
  const regions: Record<string, string[]> = {};
  const add = (region: string, id: string) => {
    regions[region] = [...(regions[region] ?? []), id];
  };
  if (parts.managedImageId) add(parts.location, parts.managedImageId);
  if (parts.galleryImageVersionId) for (const r of parts.galleryRegions ?? []) add(r, parts.galleryImageVersionId);
  const { galleryRegions: _, ...rest } = parts;
  const details: AzureArtifactDetails = { ...rest, regions, fingerprint: ctx.fingerprint };
  return {
    buildName: ctx.buildName,
    builderType: "azure-arm",
    // Packer's artifact ID: the managed image, else the gallery image version.
    id: parts.managedImageId ?? parts.galleryImageVersionId ?? "",
    files: [],
    details: { ...details },
  };
}

/** Reads an artifact's details back (they may come from a manifest or IaC state), checking their shape. */
export function parseAzureDetails(artifact: Artifact): AzureArtifactDetails {
  const d = (artifact.details ?? {}) as Partial<AzureArtifactDetails>;
  const isGallery = (id: string) => /\/galleries\//i.test(id);
  const managedImageId = d.managedImageId ?? (artifact.id && !isGallery(artifact.id) ? artifact.id : undefined);
  const galleryImageVersionId =
    d.galleryImageVersionId ?? (artifact.id && isGallery(artifact.id) ? artifact.id : undefined);
  const subscriptionId = d.subscriptionId ?? (managedImageId ?? galleryImageVersionId ?? "").split("/")[2] ?? "";
  return { location: "", regions: {}, fingerprint: "", ...d, subscriptionId, managedImageId, galleryImageVersionId };
}
