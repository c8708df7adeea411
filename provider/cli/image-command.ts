import { checkInputs } from "../pulumi/check";
import { processWriter, say } from "../pulumi/console";
import { createImage } from "../pulumi/create";
import { deleteImage } from "../pulumi/delete";
import { imageStore } from "../pulumi/images";
import type { ResolvedArgs } from "../pulumi/inputs";
import { interruptible } from "../pulumi/interrupt";
import { sourceRegions } from "../pulumi/janitor";
import { imagesOf } from "../pulumi/outputs";
import { providerInputs } from "../pulumi/program";
import { buildNameOf, imageSpec } from "../pulumi/to-spec";
import { reportError } from "./exit";
import { type ImageRequest, parseImageRequest, REQUEST_ENV, resolveEnvRefs } from "./image-request";

/**
 * `kiln image …`: BakedImage's create and delete as commands, for front ends that run Kiln from outside
 * (Terraform's local-exec under the CDKTF construct). The request comes from `$KILN_IMAGE_REQUEST`
 * (`check` reads stdin); sensitive values come from the environment it names.
 */

/** What `kiln image check` prints: the content fingerprint, and the problems by property. */
export interface ImageCheckResult {
  readonly fingerprint: string;
  readonly failures: readonly { property: string; reason: string }[];
}

/**
 * Validates as the Pulumi resource's preview does and prints the fingerprint, without reading any
 * secret: env references stay as they are (a secret is not image content; rotating it does not rebake).
 */
export async function runImageCheck(requestText: string): Promise<number> {
  try {
    const request = parseImageRequest(requestText, "request");
    const inputs = await inputsOf(request, request.args, []);
    const result: ImageCheckResult = { fingerprint: inputs.fingerprint, failures: await checkInputs(inputs) };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  }
}

/** Bakes and marks the image as held by `holder`; prints `[kiln] image <id> …` at the end. */
export async function runImageBake(holder: string): Promise<number> {
  try {
    const request = parseImageRequest(process.env[REQUEST_ENV], REQUEST_ENV);
    const { args, secrets } = resolveEnvRefs(request, process.env, true);
    const inputs = await inputsOf(request, args, secrets);
    const { outs } = await interruptible((signal) =>
      createImage(inputs, { signal, write: processWriter }, { holderKey: holder, janitor: "standby" }),
    );
    say(processWriter, `image ${outs.imageId || "(none)"} (${outs.artifactId || "no artifact"}) held by ${holder}`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  }
}

/**
 * Lets go of the image `holder` holds, found by its holder tag in every region the build targets, and
 * deletes it with its snapshots unless retained or held by someone else. Nothing found: already gone.
 */
export async function runImageDestroy(holder: string): Promise<number> {
  try {
    const request = parseImageRequest(process.env[REQUEST_ENV], REQUEST_ENV);
    const { args } = resolveEnvRefs(request, process.env, false);
    const sourceName = args.sourceName ?? request.name;
    const image = await imageSpec({ ...args, sourceName });
    const config = image.source.config;
    const buildName = buildNameOf(image);
    await interruptible(async (signal) => {
      const artifact = await imageStore(image.source.type).find(
        { config, holder: { key: holder, owner: request.owner }, regions: sourceRegions(image.source), buildName },
        signal,
      );
      if (!artifact) return say(processWriter, `${buildName}: no image held by ${holder}; nothing to delete`);
      await deleteImage(
        {
          artifact,
          source: { type: image.source.type, name: image.source.name, config },
          buildName,
          artifactId: artifact.id,
          holder,
          owner: request.owner,
          retainOnDelete: args.retainOnDelete,
          adopted: false,
          images: imagesOf(artifact).images,
        },
        { signal, write: processWriter },
      );
    });
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  }
}

function inputsOf(request: ImageRequest, args: object, secrets: string[]) {
  return providerInputs(request.name, args as ResolvedArgs, { sensitiveValues: secrets, owner: request.owner });
}
