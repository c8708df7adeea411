import { amazonEbsStore } from "./amazon-ebs";
import type { ImageStore } from "./types";

/** Builders whose artifacts are not cloud images (`null`): nothing to hold, tag or check. */
const nothingStored: ImageStore = {
  async hold() {},
  async release() {
    return { exists: false, baked: true, others: [] };
  },
  async retag() {},
  async exists() {
    return true;
  },
  async find() {
    return undefined;
  },
  async unusedHolders() {
    return [];
  },
};

const STORES: Readonly<Record<string, ImageStore>> = { "amazon-ebs": amazonEbsStore };

export function imageStore(builderType: string): ImageStore {
  return STORES[builderType] ?? nothingStored;
}

export type { HeldQuery, Holder, ImageStore, ImageTarget, Release, TagChange } from "./types";
export { BAKED_TAG, HOLDER_TAG_PREFIX, holderTag } from "./types";
