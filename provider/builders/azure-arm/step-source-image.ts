import { invalidValue, notFound } from "../../engine/errors";
import { armId, isNotFound, normalizeLocation } from "./arm";
import { type ImageSource, imageSourceOf } from "./choices";
import type { AzureState, AzureTypedStep } from "./state";

/**
 * Resolves what the VM boots from: a marketplace image (`latest` becomes the newest version in the
 * location), a managed image in the same location, or a gallery image version (`latest` likewise).
 * Runs after the resource group step, which fixes the location.
 */
export const sourceImageStep: AzureTypedStep<"location", "imageReference"> = {
  name: "azure-arm: source image",
  needs: ["location"],
  provides: ["imageReference"],
  async run({ ctx, config, state }, signal) {
    const source = imageSourceOf(config);
    state.imageReference = await resolveSource(source, state, state.location, signal);
    ctx.generated.SourceImageName = describeSource(source);
    ctx.reporter.info(
      `source image: ${describeSource(source)} (${state.imageReference.id ?? state.imageReference.version})`,
    );
  },
};

async function resolveSource(source: ImageSource, state: AzureState, location: string, signal: AbortSignal) {
  const { compute, subscriptionId } = state.clients;
  const missing =
    (what: string) =>
    (error: unknown): never => {
      if (isNotFound(error)) throw notFound(`${what} was not found`, {}, error);
      throw error;
    };
  if (source.kind === "managed-image") {
    const { group, name } = source;
    const image = await compute.images
      .get(group, name, { abortSignal: signal })
      .catch(missing(`custom_managed_image_name: managed image '${name}' in '${group}'`));
    if (normalizeLocation(image.location) !== location) {
      throw invalidValue(
        "custom_managed_image_name",
        `image '${image.name}' is in ${image.location}, the build runs in ${location}`,
      );
    }
    return { id: image.id };
  }
  if (source.kind === "gallery") {
    const { gallery } = source;
    const client = state.clients.computeIn(gallery.subscription);
    const what = `shared_image_gallery: ${gallery.gallery_name}/${gallery.image_name}`;
    let version = gallery.image_version ?? "latest";
    if (version === "latest") {
      const versions: string[] = [];
      for await (const v of client.galleryImageVersions.listByGalleryImage(
        gallery.resource_group,
        gallery.gallery_name,
        gallery.image_name,
        { abortSignal: signal },
      )) {
        if (v.name) versions.push(v.name);
      }
      const newest = versions.sort(compareVersions).pop();
      if (!newest) throw notFound(`${what} has no versions`);
      version = newest;
    } else {
      await client.galleryImageVersions
        .get(gallery.resource_group, gallery.gallery_name, gallery.image_name, version, { abortSignal: signal })
        .catch(missing(`${what}/${version}`));
    }
    const path = `Microsoft.Compute/galleries/${gallery.gallery_name}/images/${gallery.image_name}/versions/${version}`;
    return { id: armId(gallery.subscription ?? subscriptionId, gallery.resource_group, path) };
  }
  const { publisher, offer, sku } = source;
  const what = `marketplace image ${publisher}:${offer}:${sku}`;
  let version = source.version;
  if (version === "latest") {
    const list = await compute.virtualMachineImages.list(location, publisher, offer, sku, { abortSignal: signal });
    const newest = list
      .map((v) => v.name)
      .sort(compareVersions)
      .pop();
    if (!newest) throw notFound(`${what} has no versions in ${location}`);
    version = newest;
  } else {
    await compute.virtualMachineImages
      .get(location, publisher, offer, sku, version, { abortSignal: signal })
      .catch(missing(`${what}:${version} in ${location}`));
  }
  return { publisher, offer, sku, version };
}

/** Dotted numeric versions in numeric order (`22.04.10` after `22.04.9`). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

function describeSource(source: ImageSource): string {
  if (source.kind === "managed-image") return source.name;
  if (source.kind === "gallery") {
    const g = source.gallery;
    return `${g.gallery_name}/${g.image_name}/${g.image_version ?? "latest"}`;
  }
  return `${source.publisher}:${source.offer}:${source.sku}:${source.version}`;
}
