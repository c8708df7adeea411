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
};

/** Loaded on first use: the Azure SDK takes seconds to load, and AWS-only programs never need it. */
const azure = () => import("./azure-arm").then((m) => m.azureArmStore);
const azureArmStore: ImageStore = {
  hold: async (...args) => (await azure()).hold(...args),
  release: async (...args) => (await azure()).release(...args),
  retag: async (...args) => (await azure()).retag(...args),
  exists: async (...args) => (await azure()).exists(...args),
};

const STORES: Readonly<Record<string, ImageStore>> = { "amazon-ebs": amazonEbsStore, "azure-arm": azureArmStore };

export function imageStore(builderType: string): ImageStore {
  return STORES[builderType] ?? nothingStored;
}

export type { Holder, ImageStore, ImageTarget, Release, TagChange } from "./types";
export { BAKED_TAG, HOLDER_TAG_PREFIX, holderTag } from "./types";
