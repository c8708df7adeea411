import { builderDescriptor } from "../builders/registry";
import { sensitiveCommunicatorFields } from "../communicator/config";
import { errorMessage } from "../engine/errors";
import { checkImage, inlineProperty } from "../pulumi/check";
import { processWriter, say } from "../pulumi/console";
import { createImage, prepareImage } from "../pulumi/create";
import { deleteImage } from "../pulumi/delete";
import { contentFingerprint } from "../pulumi/fingerprint";
import { imageStore } from "../pulumi/images";
import type { ResolvedArgs } from "../pulumi/inputs";
import { interruptible } from "../pulumi/interrupt";
import { sourceRegions } from "../pulumi/janitor";
import { imagesOf } from "../pulumi/outputs";
import { buildNameOf, formOf, type ImageSpec, imageSpec } from "../pulumi/to-spec";
import { reportError } from "./exit";
import {
  envRefName,
  type ImageCheckResult,
  type ImageRequest,
  parseImageRequest,
  REQUEST_ENV,
  resolveEnvRefs,
} from "./image-request";

/**
 * `kiln image …`: BakedImage's create and delete as commands, for front ends that run Kiln from outside
 * (Terraform's local-exec under the CDKTF construct). The request comes from `$KILN_IMAGE_REQUEST`
 * (`check` reads stdin); sensitive values come from the environment it names.
 */

/** What `kiln image check` prints: the content fingerprint, the builder type built, the problems by property. */
/**
 * Validates as the Pulumi resource's preview does and prints the fingerprint, without reading any
 * secret: env references stay as they are (a secret is not image content; rotating it does not rebake).
 */
export async function runImageCheck(requestText: string): Promise<number> {
  try {
    const request = parseImageRequest(requestText, "request");
    const args = request.args as ResolvedArgs;
    const news = { ...args, sourceName: args.sourceName ?? request.name, sensitiveValues: [], owner: request.owner };
    // Validated and fingerprinted from one load.
    const { failures, fingerprint = "", image } = await checkImage(news, { fingerprint: true });
    const result: ImageCheckResult = {
      fingerprint,
      // The builder type even when the config has problems: a front end may not support the builder at all.
      builderType: image?.source.type ?? "",
      failures: [...failures, ...(image ? plainSecrets(image, formOf(news)) : [])],
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  }
}

/**
 * Bakes and marks the image as held by `holder`; prints `[kiln] image <id> …` at the end. Then deletes
 * the construct's earlier images nothing uses any more (see `sweep`).
 */
export async function runImageBake(holder: string): Promise<number> {
  try {
    const request = parseImageRequest(process.env[REQUEST_ENV], REQUEST_ENV);
    const { args, secrets } = resolveEnvRefs(request, process.env, true);
    const news = {
      ...(args as ResolvedArgs),
      sourceName: args.sourceName ?? request.name,
      sensitiveValues: secrets,
      owner: request.owner,
    };
    // Loaded and validated once: the fingerprint and the build both use it.
    const prepared = await prepareImage(news);
    const inputs = { ...news, fingerprint: await contentFingerprint(prepared.image, prepared.prepared) };
    await interruptible(async (signal) => {
      const { outs } = await createImage(
        inputs,
        { signal, write: processWriter },
        { holderKey: holder, janitor: "standby", prepared },
      );
      say(processWriter, `image ${outs.imageId || "(none)"} (${outs.artifactId || "no artifact"}) held by ${holder}`);
      // The new image is made and held: failing now would taint it in Terraform and leak it.
      if (!args.retainOnDelete) {
        await sweep(await heldImage(request, args), holder, signal).catch((error: unknown) =>
          say(
            processWriter,
            `sweeping earlier images failed (the next deploy retries): ${errorMessage(error)}`,
            "stderr",
          ),
        );
      }
    });
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  }
}

/**
 * Lets go of the image `holder` holds, found by its holder tag in every region the build targets, and
 * deletes it with its snapshots unless retained or held by someone else; then sweeps. Nothing found:
 * already gone.
 */
export async function runImageDestroy(holder: string): Promise<number> {
  try {
    const request = parseImageRequest(process.env[REQUEST_ENV], REQUEST_ENV);
    const { args } = resolveEnvRefs(request, process.env, false);
    const held = await heldImage(request, args);
    await interruptible(async (signal) => {
      await release(held, holder, signal);
      if (!args.retainOnDelete) await sweep(held, undefined, signal);
    });
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  }
}

/** What finding and deleting the construct's images needs: builder, config, regions, owner, retain. */
interface HeldImageContext {
  readonly type: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly regions: readonly string[];
  readonly buildName: string;
  readonly owner: string;
  readonly retainOnDelete?: boolean;
}

async function heldImage(request: ImageRequest, args: ResolvedArgs): Promise<HeldImageContext> {
  const image = await imageSpec({ ...args, sourceName: args.sourceName ?? request.name });
  return {
    type: image.source.type,
    name: image.source.name,
    config: image.source.config,
    regions: sourceRegions(image.source),
    buildName: buildNameOf(image),
    owner: request.owner,
    retainOnDelete: args.retainOnDelete,
  };
}

async function release(held: HeldImageContext, holder: string, signal: AbortSignal): Promise<void> {
  const artifact = await (await imageStore(held.type)).find(
    {
      config: held.config,
      holder: { key: holder, owner: held.owner },
      regions: held.regions,
      buildName: held.buildName,
    },
    signal,
  );
  if (!artifact) return say(processWriter, `${held.buildName}: no image held by ${holder}; nothing to delete`);
  await deleteImage(
    {
      artifact,
      source: { type: held.type, name: held.name, config: held.config },
      buildName: held.buildName,
      artifactId: artifact.id,
      holder,
      owner: held.owner,
      retainOnDelete: held.retainOnDelete,
      adopted: false,
      images: imagesOf(artifact).images,
    },
    { signal, write: processWriter },
  );
}

/**
 * Terraform runs no destroy provisioner when it replaces a create-before-destroy resource, so the image a
 * replaced bake held is not deleted then. Each later bake, and the destroy, delete the construct's other
 * images that nothing uses any more (no instance, no launch template): the previous generation's image
 * goes at the next deploy, or at destroy; one still serving (after a rolled-back deploy) stays.
 */
async function sweep(held: HeldImageContext, keep: string | undefined, signal: AbortSignal): Promise<void> {
  const stale = await (await imageStore(held.type)).unusedHolders(
    { config: held.config, owner: held.owner, regions: held.regions, keep },
    signal,
  );
  for (const key of stale) {
    say(processWriter, `${held.buildName}: an earlier image of ${held.owner} (holder ${key}) is no longer used`);
    await release(held, key, signal);
  }
}

/**
 * The request is written into the front end's configuration and state, so a sensitive builder field must
 * be an env reference there, never the value itself (inline form; a template's own fields stay in its file).
 */
function plainSecrets(image: ImageSpec, form: ReturnType<typeof formOf>): ImageCheckResult["failures"] {
  if (form.form !== "inline") return [];
  return [...sensitiveCommunicatorFields, ...builderDescriptor(image.source.type).sensitiveFields]
    .filter((field) => {
      const value = image.source.config[field];
      return value !== undefined && value !== "" && envRefName(value) === undefined;
    })
    .map((field) => ({
      property: inlineProperty(`source "${image.source.type}" "${image.source.name}".${field}`, form.key),
      reason:
        "a sensitive value given as plain text would be written into the configuration and state; pass it with an environment reference (BakedImage.fromEnv)",
    }));
}
