import type { Artifact } from "../../engine/artifact";
import type { BuildContext } from "../../engine/context";
import { builtFrom, ebsArtifact } from "./artifact";
import { Ec2Clients } from "./clients";
import { type EbsConfig, imageRegions } from "./config";
import { findOwnImages } from "./images";
import { FINGERPRINT_TAG } from "./tags";

/**
 * An artifact an earlier build made from the same inputs: an available AMI tagged with this build's
 * fingerprint in the build region and in every `ami_regions`. A partial set (a build killed while
 * tagging) does not count. `--force` skips the lookup.
 */
export async function findExistingAmi(
  config: EbsConfig,
  ctx: BuildContext,
  signal: AbortSignal,
): Promise<Artifact | undefined> {
  if (ctx.force || config.skip_create_ami || !ctx.fingerprint) return undefined;
  const clients = new Ec2Clients(config);
  try {
    const filters = [
      { Name: `tag:${FINGERPRINT_TAG}`, Values: [ctx.fingerprint] },
      { Name: "state", Values: ["available"] },
    ];
    const found = await Promise.all(
      imageRegions(config).map(async (region) => {
        const [newest] = await findOwnImages(clients.get(region), filters, signal);
        return newest ? builtFrom(region, newest) : undefined;
      }),
    );
    const images = found.filter((i) => i !== undefined);
    if (images.length !== found.length) {
      if (images.length) ctx.reporter.info(`AMIs with this fingerprint exist in only some regions; building again`);
      return undefined;
    }
    // The engine reports the reuse.
    return ebsArtifact(ctx, images, { buildRegion: config.region, amiName: config.ami_name, reused: true });
  } finally {
    clients.destroy();
  }
}
