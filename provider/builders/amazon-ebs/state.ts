import type { Image, Instance } from "@aws-sdk/client-ec2";
import type { BuilderRun } from "../../engine/context";
import type { TypedStep } from "../../engine/typed-step";
import type { Ec2Clients } from "./clients";
import type { EbsConfig } from "./config";
import type { PollSettings } from "./polling";

/** An AMI this build made in one region, with its snapshots (empty until it is available). */
export interface BuiltImage {
  readonly region: string;
  readonly imageId: string;
  snapshotIds: string[];
}

/**
 * What the amazon-ebs steps create and read. Each field is written by one step; cleanups read the
 * fields of their own step. Names are recorded before the create call so a lost reply is still undone.
 */
export interface EbsState {
  readonly ec2: Ec2Clients;
  readonly poll: PollSettings;
  /** CIDRs the temporary security group admits (pre-validate): none without one, or without SSH. */
  sourceCidrs?: string[];
  /** The AMI the instance boots from (source AMI). */
  sourceImage?: Image;
  /** Network (network step); undefined means the default VPC. */
  vpcId?: string;
  subnetId?: string;
  availabilityZone?: string;
  /** Temporary key pair, for its cleanup: named before the create call (key-pair step). */
  keyPair?: { readonly name: string; created: boolean; privateKey?: string };
  /** The key the instance launches with (key-pair step): the temporary pair, or the user's own. */
  launchKey?: LaunchKey;
  /** Groups the instance joins (security-group step). */
  securityGroupIds?: string[];
  /** Temporary security group; `id` is unknown if the create reply was lost. */
  tempSecurityGroup?: { readonly name: string; id?: string };
  /** Spot launch template (run-instance step). */
  launchTemplate?: { readonly name: string; id?: string };
  /** Set once RunInstances/CreateFleet was sent: cleanup then also looks for the instance by tag. */
  launchAttempted?: boolean;
  instanceId?: string;
  instance?: Instance;
  /** Set once CreateImage was sent (create-AMI step); `image` is what its cleanup deletes. */
  createAttempted?: boolean;
  image?: BuiltImage;
  /** The encrypted copy that replaces `image` with `encrypt_boot` (encrypt step; its cleanup's record). */
  encryptAttempted?: boolean;
  encrypted?: BuiltImage;
  /**
   * The build region's AMI as later steps see it: set by create-AMI (`none` with `skip_create_ami`),
   * replaced by the encrypted copy with `encrypt_boot`.
   */
  ami?: BuildRegionAmi;
  /** Copies by region; `imageId` is unknown if the CopyImage reply was lost (copy step). */
  copies: Map<string, { imageId?: string; snapshotIds: string[] }>;
}

/**
 * The temporary key pair (its private half for the communicator), or none of Kiln's: the user's
 * `ssh_keypair_name` if set, a key file or password the communicator brings, or no connection at all.
 */
export type LaunchKey =
  | { readonly kind: "temporary"; readonly name: string; readonly privateKey: string }
  | { readonly kind: "user"; readonly name?: string };

export type EbsRun = BuilderRun<EbsConfig, EbsState>;
/** An amazon-ebs step declaring the state fields it needs (present in its `run`) and provides. */
export type EbsTypedStep<N extends keyof EbsState = never, P extends keyof EbsState = never> = TypedStep<EbsRun, N, P>;
/** Fields `newState` sets: every step may read them. */
export type EbsInitialFields = "ec2" | "poll" | "copies";

export type BuildRegionAmi = { readonly kind: "none" } | { readonly kind: "made"; readonly image: BuiltImage };

/** The artifact's images: the build region's (encrypted if asked) and every finished copy. */
export function finalImages(own: BuiltImage, copies: EbsState["copies"], buildRegion: string): BuiltImage[] {
  const images: BuiltImage[] = [own];
  for (const [region, copy] of copies) {
    if (copy.imageId && region !== buildRegion)
      images.push({ region, imageId: copy.imageId, snapshotIds: copy.snapshotIds });
  }
  return images;
}
