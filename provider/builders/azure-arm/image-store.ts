import { isNotFound, longRunning } from "../../builders/azure-arm/arm";
import { type AzureArtifactDetails, parseAzureDetails } from "../../builders/azure-arm/artifact";
import { AzureClients, accessFrom } from "../../builders/azure-arm/clients";
import { KilnError } from "../../engine/errors";
import {
  BAKED_TAG,
  HOLDER_TAG_PREFIX,
  holderTag,
  type ImageStore,
  type ImageTarget,
  TAG_PREFIX,
  type TagChange,
} from "../image-store";

const CDKTF_ONLY_AWS =
  "the CDKTF BakedImage bakes amazon-ebs images only; use azure-arm through the Pulumi BakedImage or `kiln build`";

/**
 * Managed images and gallery image versions: holder tags through ARM's tags-at-scope API, which works the
 * same for both. Azure images have no separate snapshots, so `retag` applies only the image tags.
 */
export const azureArmStore: ImageStore = {
  // Finding a held image and sweeping unused ones serve the CDKTF BakedImage, which reads its image with a
  // `data "aws_ami"`: it bakes amazon-ebs images only, so these say so instead of answering wrongly.
  async find() {
    throw new KilnError("UNSUPPORTED_FRONT_END", CDKTF_ONLY_AWS);
  },
  async unusedHolders() {
    throw new KilnError("UNSUPPORTED_FRONT_END", CDKTF_ONLY_AWS);
  },
  async hold(target, holder, { baked }, signal) {
    await eachImage(target, async (clients, id) => {
      const tags: Record<string, string> = { [holderTag(holder)]: holder.owner };
      if (baked) tags[BAKED_TAG] = "true";
      await updateTags(clients, id, "Merge", tags, signal);
      // An adopted image may be going away under us (its last holder deleting it): check it is still there.
      if ((await tagsOf(clients, id, signal)) === undefined) {
        throw new KilnError("IMAGE_GONE", `${id} was deleted while being adopted; run the update again`, {
          context: { resource: id },
        });
      }
    });
  },

  async release(target, holder, signal) {
    const others = new Set<string>();
    let exists = false;
    let baked = false;
    await eachImage(target, async (clients, id) => {
      const before = await tagsOf(clients, id, signal);
      if (before === undefined) return;
      const own = before[holderTag(holder)];
      if (own !== undefined) await updateTags(clients, id, "Delete", { [holderTag(holder)]: own }, signal);
      exists = true;
      for (const [key, value] of Object.entries(before)) {
        if (key === BAKED_TAG) baked = true;
        if (key.startsWith(HOLDER_TAG_PREFIX) && key !== holderTag(holder)) others.add(value || key);
      }
    });
    return { exists, baked, others: [...others].sort() };
  },

  async retag(target, change, signal) {
    await eachImage(target, (clients, id) => applyTags(clients, id, change.image, signal));
  },

  async exists(target, signal) {
    const details = parseAzureDetails(target.artifact);
    const id = details.managedImageId ?? details.galleryImageVersionId;
    if (!id) return false;
    return withClients(target, details, async (clients) => (await tagsOf(clients, id, signal)) !== undefined);
  },
};

async function applyTags(clients: AzureClients, id: string, change: TagChange, signal: AbortSignal) {
  if (Object.keys(change.set).length) await updateTags(clients, id, "Merge", { ...change.set }, signal);
  const remove = change.remove.filter((key) => !key.startsWith(TAG_PREFIX));
  if (!remove.length) return;
  const current = (await tagsOf(clients, id, signal)) ?? {};
  const present = Object.fromEntries(remove.filter((k) => k in current).map((k) => [k, current[k] as string]));
  if (Object.keys(present).length) await updateTags(clients, id, "Delete", present, signal);
}

function updateTags(
  clients: AzureClients,
  id: string,
  operation: "Merge" | "Delete",
  tags: Record<string, string>,
  signal: AbortSignal,
) {
  return longRunning(clients, `tagging ${id}`, undefined, signal, (o) =>
    clients.resources.tagsOperations.updateAtScope(id, { operation, properties: { tags } }, o),
  );
}

/** The resource's tags, or undefined when it no longer exists. */
async function tagsOf(clients: AzureClients, id: string, signal: AbortSignal) {
  try {
    const out = await clients.resources.tagsOperations.getAtScope(id, { abortSignal: signal });
    return out.properties?.tags ?? {};
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Runs `fn` for the managed image and the gallery version of the artifact. */
async function eachImage(target: ImageTarget, fn: (clients: AzureClients, id: string) => Promise<void>) {
  const details = parseAzureDetails(target.artifact);
  const ids = [details.managedImageId, details.galleryImageVersionId].filter((id): id is string => !!id);
  await withClients(target, details, (clients) => Promise.all(ids.map((id) => fn(clients, id))));
}

function withClients<T>(target: ImageTarget, details: AzureArtifactDetails, fn: (clients: AzureClients) => Promise<T>) {
  return fn(new AzureClients({ ...accessFrom(target.config), subscription_id: details.subscriptionId || undefined }));
}
