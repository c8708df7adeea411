import { destroyArtifact } from "../kiln";
import { say } from "./console";
import type { OperationContext } from "./create";
import { imageStore } from "./images";
import type { BakedImageOutputs } from "./inputs";

/** What deleting needs from the state (or, for front ends keeping no artifact, from the image's tags). */
export type HeldImage = Pick<
  BakedImageOutputs,
  "artifact" | "source" | "buildName" | "artifactId" | "holder" | "owner" | "retainOnDelete" | "adopted" | "images"
>;

/**
 * Lets go of the image, and deletes it (every region, with its snapshots) when nobody else holds it:
 * - this resource's holder tag is removed first;
 * - with `retainOnDelete` the image stays;
 * - while another BakedImage (this stack or another) still holds it, it stays: that resource deletes it
 *   when it goes, as the last holder;
 * - an image a BakedImage did not bake is never deleted by one that adopted it.
 * Safe to repeat after a partial failure: what is already gone counts as deleted.
 */
export async function deleteImage(props: HeldImage, { signal, write }: OperationContext): Promise<void> {
  if (!props.artifact || !props.source) return;
  const target = { artifact: props.artifact, config: props.source.config };
  const what = `${props.buildName}: ${props.artifactId || props.artifact.id}`;
  const release = await (await imageStore(props.source.type)).release(
    target,
    { key: props.holder, owner: props.owner },
    signal,
  );
  if (props.retainOnDelete) return say(write, `${what} retained (retainOnDelete)`);
  if (release.others.length) return say(write, `${what} kept: still held by ${release.others.join(", ")}`);
  // Once the image is gone its tags are too: whether it was ours is then what the state says.
  const baked = release.exists ? release.baked : !props.adopted;
  if (!baked) return say(write, `${what} kept: adopted, and not baked by a BakedImage`);
  await destroyArtifact(props.artifact, { config: props.source.config, signal });
  if (Object.keys(props.images ?? {}).length) say(write, `${what} deleted, with its snapshots`);
}
