import { traitsOf } from "./builders";
import { say } from "./console";
import type { OperationContext } from "./create";
import { imageStore, type TagChange } from "./images";
import { type BakedImageInputs, type BakedImageOutputs, INPUT_KEYS } from "./inputs";
import { isPlainObject } from "./packer-fields";
import { imageSpec } from "./to-spec";

/**
 * Applies what can change without baking again: the image's and snapshots' tags, the holder's owner
 * label, and the config (credentials, endpoint) later operations use. Keeps every computed output —
 * without an `update`, the dynamic provider host would drop them.
 */
export async function updateImage(
  olds: BakedImageOutputs,
  news: BakedImageInputs,
  { signal, write }: OperationContext,
): Promise<BakedImageOutputs> {
  const image = await imageSpec(news);
  const traits = traitsOf(image.source.type);
  const config: Record<string, unknown> = { ...image.source.config };
  // The image keeps the name it was made with.
  if (traits.nameField) config[traits.nameField] = olds.source.config[traits.nameField];
  const target = { artifact: olds.artifact, config };
  const store = await imageStore(image.source.type);

  if (traits.tagFields) {
    const change = {
      image: tagChange(olds.source.config[traits.tagFields.image], config[traits.tagFields.image]),
      snapshots: tagChange(olds.source.config[traits.tagFields.snapshots], config[traits.tagFields.snapshots]),
    };
    if (changes(change.image) || changes(change.snapshots)) {
      await store.retag(target, change, signal);
      say(write, `${olds.buildName}: re-tagged ${olds.artifactId}`);
    }
  }
  if (news.owner !== olds.owner)
    await store.hold(target, { key: olds.holder, owner: news.owner }, { baked: false }, signal);

  const echoed = Object.fromEntries(INPUT_KEYS.map((key) => [key, news[key]]));
  const outs = { ...olds, ...echoed, source: { type: image.source.type, name: image.source.name, config } };
  return JSON.parse(JSON.stringify(outs)) as BakedImageOutputs;
}

/** What turns the `before` tags into the `after` tags. Only keys that changed are written. */
export function tagChange(before: unknown, after: unknown): TagChange {
  const old = tagsOf(before);
  const now = tagsOf(after);
  return {
    set: Object.fromEntries(Object.entries(now).filter(([key, value]) => old[key] !== value)),
    remove: Object.keys(old).filter((key) => !(key in now)),
  };
}

function changes(change: TagChange): boolean {
  return Object.keys(change.set).length > 0 || change.remove.length > 0;
}

function tagsOf(value: unknown): Record<string, string> {
  return isPlainObject(value) ? (value as Record<string, string>) : {};
}
