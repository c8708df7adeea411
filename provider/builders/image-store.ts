import type { Artifact } from "../engine/artifact";

/** A BakedImage resource holding an image: `key` is unique to the resource, `owner` names its stack. */
export interface Holder {
  readonly key: string;
  /** `project/stack/resource`, for people reading the image's tags. */
  readonly owner: string;
}

/** An image and the builder config (credentials, endpoint) that reaches it. */
export interface ImageTarget {
  readonly artifact: Artifact;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Tags to upsert and tag keys to delete. Kiln's own keys (`kiln:…`) are never deleted. */
export interface TagChange {
  readonly set: Readonly<Record<string, string>>;
  readonly remove: readonly string[];
}

export interface Release {
  /** The image still exists somewhere. */
  readonly exists: boolean;
  /** A BakedImage baked it (it carries `kiln:pulumi:baked`), so its last holder deletes it. */
  readonly baked: boolean;
  /** Owners of the other resources still holding it. */
  readonly others: readonly string[];
}

/**
 * How the resource marks who holds an image, re-tags it in place and checks that it still exists, per
 * builder. Every image a BakedImage holds carries one holder tag per resource, so an image shared through
 * `reuse` is only deleted when its last holder lets go.
 */
export interface ImageStore {
  hold(target: ImageTarget, holder: Holder, options: { baked: boolean }, signal: AbortSignal): Promise<void>;
  release(target: ImageTarget, holder: Holder, signal: AbortSignal): Promise<Release>;
  retag(target: ImageTarget, change: { image: TagChange; snapshots: TagChange }, signal: AbortSignal): Promise<void>;
  exists(target: ImageTarget, signal: AbortSignal): Promise<boolean>;
  /**
   * The image `holder` holds, found by its holder tag in each of `regions` (for front ends that keep no
   * artifact in their state, such as the CDKTF construct); undefined when no region has one.
   */
  find(query: HeldQuery, signal: AbortSignal): Promise<Artifact | undefined>;
  /**
   * Keys of the holders whose images `owner` alone holds, other than `keep`'s, that nothing uses any more
   * (no instance that is not terminated, no launch template's default or latest version launches them),
   * in the build region: what a front end whose replacements skip the delete (Terraform runs no destroy
   * provisioner for a create-before-destroy replacement) sweeps up later.
   */
  unusedHolders(
    query: Omit<HeldQuery, "holder" | "buildName"> & { owner: string; keep?: string },
    signal: AbortSignal,
  ): Promise<string[]>;
}

/** Which holder's image to look for, where, and how to reach it. */
export interface HeldQuery {
  readonly config: Readonly<Record<string, unknown>>;
  readonly holder: Holder;
  /** The build region first. */
  readonly regions: readonly string[];
  readonly buildName: string;
}

export const TAG_PREFIX = "kiln:";
export const BAKED_TAG = "kiln:pulumi:baked";
export const HOLDER_TAG_PREFIX = "kiln:pulumi:holder:";

export function holderTag(holder: Holder): string {
  return `${HOLDER_TAG_PREFIX}${holder.key}`;
}
