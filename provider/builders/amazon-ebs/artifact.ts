import type { Image } from "@aws-sdk/client-ec2";
import type { Artifact } from "../../engine/artifact";
import type { BuildContext } from "../../engine/context";
import { snapshotIdsOf } from "./images";
import { replyField } from "./reply";
import type { BuiltImage } from "./state";

/** What an amazon-ebs artifact's `details` hold: enough to destroy it without the build's state. */
export interface EbsArtifactDetails {
  /** Region → AMI ID. */
  readonly amis: Readonly<Record<string, string>>;
  /** Region → snapshot IDs of that region's AMI. */
  readonly snapshots: Readonly<Record<string, readonly string[]>>;
  readonly buildRegion: string;
  readonly amiName: string;
  readonly fingerprint: string;
  readonly sourceAmi?: string;
  /** True when this artifact was found from an earlier build instead of baked. */
  readonly reused?: boolean;
}

/** Packer's artifact ID: `region:ami-id` pairs sorted by region, comma-joined. */
export function artifactId(amis: Readonly<Record<string, string>>): string {
  return Object.keys(amis)
    .sort()
    .map((region) => `${region}:${amis[region]}`)
    .join(",");
}

export function ebsArtifact(
  ctx: Pick<BuildContext, "buildName" | "fingerprint">,
  images: readonly BuiltImage[],
  extra: { buildRegion: string; amiName: string; sourceAmi?: string; reused?: boolean },
): Artifact {
  const amis: Record<string, string> = {};
  const snapshots: Record<string, string[]> = {};
  for (const image of images) {
    amis[image.region] = image.imageId;
    snapshots[image.region] = [...image.snapshotIds];
  }
  const details: EbsArtifactDetails = { amis, snapshots, fingerprint: ctx.fingerprint, ...extra };
  return {
    buildName: ctx.buildName,
    builderType: "amazon-ebs",
    id: artifactId(amis),
    files: [],
    details: { ...details },
  };
}

/** Reads an artifact's details back, checking their shape (they may come from a manifest or IaC state). */
export function parseDetails(artifact: Artifact): EbsArtifactDetails {
  const d = artifact.details as Partial<EbsArtifactDetails>;
  if (!d || typeof d.amis !== "object" || d.amis === null) {
    // Fall back on the ID (`region:ami,region:ami`) for artifacts recorded without details.
    const amis = Object.fromEntries(
      artifact.id
        .split(",")
        .filter(Boolean)
        .map((pair) => pair.split(":") as [string, string]),
    );
    return { amis, snapshots: {}, buildRegion: Object.keys(amis)[0] ?? "", amiName: "", fingerprint: "" };
  }
  return { snapshots: {}, buildRegion: "", amiName: "", fingerprint: "", ...d } as EbsArtifactDetails;
}

export function builtFrom(region: string, image: Image): BuiltImage {
  return { region, imageId: replyField(image, "ImageId", "DescribeImages"), snapshotIds: snapshotIdsOf(image) };
}
