import { KilnError } from "../../engine/errors";
import { selectImage } from "./images";
import type { EbsTypedStep } from "./state";
import { toFilters } from "./tags";

/** Resolves `source_ami` or `source_ami_filter` to one AMI and exposes it as `build.SourceAMI…`. */
export const sourceAmiStep: EbsTypedStep<never, "sourceImage"> = {
  name: "amazon-ebs: source AMI",
  needs: [],
  provides: ["sourceImage"],
  async run({ ctx, config, state }, signal) {
    const filter = config.source_ami_filter;
    const image = await selectImage(
      state.ec2.get(),
      config.source_ami
        ? { imageId: config.source_ami }
        : {
            filters: toFilters(filter?.filters),
            owners: filter?.owners,
            mostRecent: filter?.most_recent,
            includeDeprecated: filter?.include_deprecated,
          },
      signal,
    );
    if (image.State && image.State !== "available") {
      throw new KilnError("IMAGE_UNAVAILABLE", `source AMI ${image.ImageId} is ${image.State}, not available`, {
        context: { resource: image.ImageId, property: "source_ami" },
      });
    }
    state.sourceImage = image;
    Object.assign(ctx.generated, {
      SourceAMI: image.ImageId ?? "",
      SourceAMIName: image.Name ?? "",
      SourceAMIOwner: image.OwnerId ?? "",
      SourceAMIOwnerName: image.ImageOwnerAlias ?? "",
      SourceAMICreationDate: image.CreationDate ?? "",
      BuildRegion: config.region,
    });
    ctx.reporter.info(`source AMI: ${image.ImageId} (${image.Name ?? "no name"})`);
  },
};
