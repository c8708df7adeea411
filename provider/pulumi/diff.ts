import { canonicalJson } from "../engine/fingerprint";
import { INLINE_BUILDERS } from "./builders";
import { type BakedImageInputs, type BakedImageOutputs, INPUT_KEYS, UNKNOWN } from "./inputs";
import { isPlainObject } from "./packer-fields";

export interface ImageDiff {
  readonly changes: boolean;
  readonly replaces: string[];
  readonly deleteBeforeReplace: false;
}

/**
 * Pure, no cloud calls: the fingerprint (computed in the program from the spec and the bytes of every
 * file it uploads) decides whether the image must be baked again. A changed image name also replaces,
 * since AMI names cannot change. Everything else — tags, timeout, credentials, connection settings,
 * post-processors — updates in place. Replacement creates the new image before deleting the old one, so
 * whatever launches from it can move over first.
 */
export function diffImage(olds: Partial<BakedImageOutputs>, news: BakedImageInputs): ImageDiff {
  const replaces: string[] = [];
  if (news.fingerprint === UNKNOWN || news.fingerprint !== olds.fingerprint) replaces.push("fingerprint");
  for (const key of Object.keys(INLINE_BUILDERS) as (keyof typeof INLINE_BUILDERS)[]) {
    if (imageName(olds[key]) !== imageName(news[key])) replaces.push(key);
  }
  const changes = replaces.length > 0 || INPUT_KEYS.some((key) => !same(olds[key], news[key]));
  return { changes, replaces, deleteBeforeReplace: false };
}

function imageName(builder: unknown): unknown {
  if (!isPlainObject(builder)) return undefined;
  return builder.amiName ?? builder.ami_name;
}

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}
