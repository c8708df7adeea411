import { throwIfAborted } from "../../engine/abort";
import { errorMessage, KilnError, operationFailed, resourcesLeft } from "../../engine/errors";
import { copyImage } from "./copy-image";
import { deleteImage, findOwnImages, snapshotIdsOf } from "./images";
import { cleanupSignal } from "./polling";
import { replyField } from "./reply";
import type { EbsTypedStep } from "./state";
import { taggedByOtherBuild } from "./tags";

/**
 * Copies the AMI to every region of `ami_regions` in parallel (encrypted with `region_kms_key_ids` when
 * `encrypt_boot`). The first failure cancels the other copies. Unlike Packer (#10248), cleanup removes
 * every copy already made — and the build region's AMI goes with create-AMI's cleanup — so a failed copy
 * leaves nothing behind.
 */
export const copyRegionsStep: EbsTypedStep<"ami"> = {
  name: "amazon-ebs: copy to regions",
  needs: ["ami"],
  provides: [],
  async run(run, signal) {
    const { ctx, config, state } = run;
    if (state.ami.kind === "none") return;
    const source = state.ami.image;
    const regions = [...new Set(config.ami_regions ?? [])].filter((r) => r !== config.region);
    if (!regions.length) return;

    const inner = new AbortController();
    const onOuterAbort = () => inner.abort(signal.reason);
    signal.addEventListener("abort", onOuterAbort, { once: true });
    const failures: { region: string; error: unknown }[] = [];
    try {
      await Promise.all(
        regions.map(async (region) => {
          const entry: { imageId?: string; snapshotIds: string[] } = { snapshotIds: [] };
          state.copies.set(region, entry);
          try {
            const copy = await copyImage(
              run,
              { region: config.region, imageId: source.imageId },
              { region, encrypted: config.encrypt_boot, kmsKeyId: config.region_kms_key_ids?.[region] },
              (imageId) => {
                entry.imageId = imageId;
              },
              inner.signal,
            );
            entry.snapshotIds = copy.snapshotIds;
            ctx.reporter.info(`copied to ${region}: ${copy.imageId}`);
          } catch (error) {
            // Only the first failure is the cause; the rest were cancelled because of it.
            if (!inner.signal.aborted) failures.push({ region, error });
            inner.abort(error);
          }
        }),
      );
    } finally {
      signal.removeEventListener("abort", onOuterAbort);
    }
    throwIfAborted(signal);
    const first = failures[0];
    if (first) {
      throw operationFailed("AWS_CALL_FAILED", `copying ${source.imageId} to ${first.region}`, first.error, {
        resource: source.imageId,
      });
    }
  },

  async cleanup({ ctx, config, state }, outcome) {
    if (!outcome.failed && !outcome.cancelled) return;
    const signal = cleanupSignal();
    const problems: unknown[] = [];
    await Promise.all(
      [...state.copies].map(async ([region, copy]) => {
        const ec2 = state.ec2.get(region);
        try {
          const images = copy.imageId
            ? [{ imageId: copy.imageId, snapshotIds: copy.snapshotIds }]
            : // The CopyImage reply was lost; the copy has our name (pre-validate made sure it was free).
              (await findOwnImages(ec2, [{ Name: "name", Values: [config.ami_name] }], signal))
                .filter((i) => !taggedByOtherBuild(i, ctx.buildId))
                .map((i) => ({ imageId: replyField(i, "ImageId", "DescribeImages"), snapshotIds: snapshotIdsOf(i) }));
          for (const image of images) {
            await deleteImage(ec2, image, { signal });
            ctx.reporter.info(`deleted AMI copy ${image.imageId} in ${region}`);
          }
          state.copies.delete(region);
        } catch (error) {
          problems.push(new KilnError("AWS_DELETE_FAILED", `${region}: ${errorMessage(error)}`, { cause: error }));
        }
      }),
    );
    if (problems.length) throw resourcesLeft("removing AMI copies failed", problems);
  },
};
