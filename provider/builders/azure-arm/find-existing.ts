import { raceAbort } from "../../engine/abort";
import type { Artifact } from "../../engine/artifact";
import type { BuildContext } from "../../engine/context";
import { operationFailed } from "../../engine/errors";
import { normalizeLocation, parseArmId } from "./arm";
import { azureArtifact } from "./artifact";
import { AzureClients } from "./clients";
import type { AzureArmConfig } from "./config";
import { replicationRegions } from "./step-gallery-version";
import { FINGERPRINT_TAG, tagFilter } from "./tags";

/**
 * An artifact an earlier build made from the same inputs: a managed image in
 * `managed_image_resource_group_name` and/or a version of the destination gallery image, tagged with
 * this build's fingerprint. Every output the config asks for must be there; `--force` skips the lookup.
 */
export async function findExistingAzureImage(
  config: AzureArmConfig,
  ctx: BuildContext,
  signal: AbortSignal,
): Promise<Artifact | undefined> {
  if (ctx.force || !ctx.fingerprint) return undefined;
  const clients = new AzureClients(config);
  let tagged: { id: string; type: string; location: string }[];
  try {
    // Raced: the credential's own token request does not take the signal.
    tagged = await raceAbort(listTagged(clients, ctx.fingerprint, signal), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw operationFailed("AZURE_CALL_FAILED", `looking for an image with fingerprint ${ctx.fingerprint}`, error);
  }
  const same = (a: string | undefined, b: string | undefined) => a?.toLowerCase() === b?.toLowerCase();
  const image = config.managed_image_resource_group_name
    ? tagged.find(
        (r) =>
          r.type === "microsoft.compute/images" &&
          same(parseArmId(r.id).resourceGroup, config.managed_image_resource_group_name),
      )
    : undefined;
  const g = config.shared_image_gallery_destination;
  const version = g
    ? tagged.find((r) => {
        const p = parseArmId(r.id);
        return (
          r.type === "microsoft.compute/galleries/images/versions" &&
          same(p.resourceGroup, g.resource_group) &&
          same(p.names[0], g.gallery_name) &&
          same(p.names[1], g.image_name)
        );
      })
    : undefined;
  if ((config.managed_image_name && !image) || (g && !version)) return undefined;
  const location = normalizeLocation(image?.location ?? version?.location ?? config.location ?? "");
  return azureArtifact(ctx, {
    subscriptionId: clients.subscriptionId,
    location,
    managedImageId: image?.id,
    galleryImageVersionId: version?.id,
    galleryRegions: replicationRegions(config, location),
    reused: true,
  });
}

async function listTagged(clients: AzureClients, fingerprint: string, signal: AbortSignal) {
  const tagged: { id: string; type: string; location: string }[] = [];
  for await (const r of clients.resources.resources.list({
    filter: tagFilter(FINGERPRINT_TAG, fingerprint),
    abortSignal: signal,
  })) {
    if (r.id && r.type) tagged.push({ id: r.id, type: r.type.toLowerCase(), location: r.location ?? "" });
  }
  return tagged;
}
