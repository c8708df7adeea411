import { EBS_ACCESS_FIELDS, EBS_LABEL_FIELDS } from "../builders/amazon-ebs/fields";
import { AZURE_ACCESS_FIELDS, AZURE_LABEL_FIELDS } from "../builders/azure-arm/fields";
import { connectionOnlyFields } from "../communicator/config";

/**
 * What the BakedImage resource needs to know about each builder beyond the engine's plugin interface:
 * which args key selects it, which fields name and tag the image, and which fields do not change what
 * is in the image (left out of the fingerprint, so editing them updates in place instead of rebaking).
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

const AMAZON_EBS: BuilderTraits = {
  type: "amazon-ebs",
  nameField: "ami_name",
  tagFields: { image: "tags", snapshots: "snapshot_tags" },
  // Labels too: the name carries a per-bake suffix (the inline form replaces on `amiName` edits itself),
  // and update re-applies tags in place.
  notContent: [...COMMUNICATOR_ONLY, ...EBS_ACCESS_FIELDS, ...EBS_LABEL_FIELDS],
};

const AZURE_ARM: BuilderTraits = {
  type: "azure-arm",
  nameField: "managed_image_name",
  // Azure images have no separate snapshots: top-level tags go into `azure_tags` (on every resource).
  tagFields: { image: "azure_tags", snapshots: "azure_tags" },
  notContent: [...COMMUNICATOR_ONLY, ...AZURE_ACCESS_FIELDS, ...AZURE_LABEL_FIELDS],
};

const NULL: BuilderTraits = { type: "null", notContent: COMMUNICATOR_ONLY };

const TRAITS: Readonly<Record<string, BuilderTraits>> = {
  "amazon-ebs": AMAZON_EBS,
  "azure-arm": AZURE_ARM,
  null: NULL,
};

/** The inline form's builder keys (`amazonEbs: {...}`) and the builder type each selects. */
export const INLINE_BUILDERS = { amazonEbs: "amazon-ebs", azureArm: "azure-arm" } as const;
export type InlineBuilderKey = keyof typeof INLINE_BUILDERS;

export function traitsOf(type: string): BuilderTraits {
  return TRAITS[type] ?? { type, notContent: COMMUNICATOR_ONLY };
}
