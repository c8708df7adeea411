import { builderDescriptor } from "../builders/registry";
import { connectionOnlyFields } from "../communicator/config";

/**
 * What the BakedImage resource reads from a builder's descriptor: which fields name and tag the image,
 * and which fields do not change what is in the image (left out of the fingerprint, so editing them
 * updates in place instead of rebaking).
 */
export interface BuilderTraits {
  /** Packer builder type. */
  readonly type: string;
  /** Field holding the image name; the inline form makes it unique with a suffix. */
  readonly nameField?: string;
  /** Tag maps on the image and on its snapshots: top-level `tags` merge under each; update re-applies them. */
  readonly tagFields?: { readonly image: string; readonly snapshots: string };
  /** Config fields outside the content fingerprint. */
  readonly notContent: readonly string[];
}

/** How Kiln reaches the machine: never content, whatever the builder. */
const COMMUNICATOR_ONLY = [...connectionOnlyFields, "communicator"];

/** The traits of a builder type; throws for a type Kiln does not know. */
export function traitsOf(type: string): BuilderTraits {
  const { notContent, labels } = builderDescriptor(type);
  return {
    type,
    nameField: labels?.nameField,
    tagFields: labels?.tagFields,
    // Labels too: the name carries a per-bake suffix, and update re-applies tags in place.
    notContent: [...COMMUNICATOR_ONLY, ...notContent, ...(labels?.fields ?? [])],
  };
}

export { INLINE_BUILDERS, type InlineBuilderKey } from "../generated/pulumi-args";
