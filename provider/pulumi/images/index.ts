import type { ImageStore } from "../../builders/image-store";
import { loadBuilder } from "../../builders/registry";

/** Builders whose artifacts are not cloud images (`null` declares `images: null`): nothing to hold, tag or check. */
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

/** The image store of a builder type, as its descriptor declares it; throws for an unknown type. */
export async function imageStore(builderType: string): Promise<ImageStore> {
  return (await loadBuilder(builderType)).images ?? nothingStored;
}

export type { HeldQuery, Holder, ImageStore, ImageTarget, Release, TagChange } from "../../builders/image-store";
export { BAKED_TAG, HOLDER_TAG_PREFIX, holderTag } from "../../builders/image-store";
