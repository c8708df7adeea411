import { CreateTagsCommand } from "@aws-sdk/client-ec2";
import { ebsArtifact } from "./artifact";
import { type EbsTypedStep, finalImages } from "./state";
import { FINGERPRINT_TAG } from "./tags";

/**
 * Marks the AMIs and snapshots in every region with the build's content fingerprint — last, so only a
 * complete artifact can be found and reused by a later build — and hands the artifact to the engine.
 */
export const finalizeStep: EbsTypedStep<"ami" | "sourceImage"> = {
  name: "amazon-ebs: artifact",
  needs: ["ami", "sourceImage"],
  provides: [],
  async run({ ctx, config, state }, signal) {
    if (state.ami.kind === "none") {
      // The engine expects an artifact; this one is empty (Packer reports none) and destroys to nothing.
      ctx.artifact = ebsArtifact(ctx, [], { buildRegion: config.region, amiName: config.ami_name });
      return;
    }
    const images = finalImages(state.ami.image, state.copies, config.region);
    await Promise.all(
      images.map((image) =>
        state.ec2.get(image.region).send(
          new CreateTagsCommand({
            Resources: [image.imageId, ...image.snapshotIds],
            Tags: [{ Key: FINGERPRINT_TAG, Value: ctx.fingerprint }],
          }),
          { abortSignal: signal },
        ),
      ),
    );
    ctx.artifact = ebsArtifact(ctx, images, {
      buildRegion: config.region,
      amiName: config.ami_name,
      sourceAmi: state.sourceImage.ImageId,
    });
    ctx.reporter.info(`AMIs: ${ctx.artifact.id}`);
  },
};
