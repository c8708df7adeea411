import { randomUUID } from "node:crypto";
import type { Artifact } from "../engine/artifact";
import { BuildFailedError, type BuildOutcome, type PreparedBuilds } from "../engine/build";
import { CleanupError, errorMessage, KilnError } from "../engine/errors";
import type { EventSink } from "../engine/events";
import { makeRedactor } from "../engine/redact";
import { build, destroyArtifact, prepare } from "../kiln";
import { parseDuration } from "../util/duration";
import { consoleSink, type LineWriter, say } from "./console";
import { fingerprintExcludeFor } from "./fingerprint";
import { type Holder, imageStore } from "./images";
import { type BakedImageInputs, type BakedImageOutputs, INPUT_KEYS } from "./inputs";
import { type Janitor, janitorPlan, startJanitor } from "./janitor";
import { imagesOf, manifestOf, primaryImageId } from "./outputs";
import { type ImageSpec, imageNameOf, imageSpec, type SpecArgs, withUniqueName } from "./to-spec";

export const DEFAULT_TIMEOUT = "2h";
/** Budget for removing a half-made image after a failure, independent of the (possibly spent) build's. */
const UNDO_TIMEOUT_MS = 15 * 60_000;

export interface OperationContext {
  readonly signal: AbortSignal;
  readonly write: LineWriter;
}

/** How a front end other than Pulumi's dynamic provider runs the create. */
export interface CreateOptions {
  /** The holder key to tag the image with. @default - a random key */
  readonly holderKey?: string;
  /**
   * When the janitor starts: on interruption (Pulumi sends SIGINT, then kills), or as soon as a build
   * starts (Terraform's local-exec gets SIGKILL on interrupt, with no signal first).
   * @default "on-interrupt"
   */
  readonly janitor?: "on-interrupt" | "standby";
  /** The image as `prepareImage` loaded and validated it, when the caller needed it first (its fingerprint). */
  readonly prepared?: PreparedImage;
}

/** An image to bake, its name made unique, loaded (template form) and validated once for the create. */
export interface PreparedImage {
  readonly image: ImageSpec;
  readonly prepared: PreparedBuilds;
}

export async function prepareImage(args: SpecArgs): Promise<PreparedImage> {
  const image = withUniqueName(await imageSpec(args));
  return { image, prepared: await prepare(image.spec) };
}

/**
 * Bakes the image, or adopts one baked earlier from identical content (`reuse`), and marks it as held
 * by this resource. On failure nothing is left: the engine removes the build's temporary resources, and
 * an image made before a later step failed is deleted here. Only if that deletion fails too is the
 * resource recorded as partially created, so `pulumi destroy` can retry it.
 */
export async function createImage(
  inputs: BakedImageInputs,
  { signal, write }: OperationContext,
  options: CreateOptions = {},
): Promise<{ id: string; outs: BakedImageOutputs }> {
  // Loaded and validated once for the whole operation: the build runs the prepared definition.
  const { image, prepared } = options.prepared ?? (await prepareImage(inputs));
  const redact = makeRedactor(prepared.builds.flatMap((p) => p.secrets));
  const holder: Holder = {
    key: options.holderKey ?? randomUUID().replaceAll("-", "").slice(0, 16),
    owner: inputs.owner,
  };
  const config = image.source.config;

  const guard = janitorGuard(image, signal, write, options.janitor ?? "on-interrupt");
  let outcome: BuildOutcome;
  let runUuid: string;
  try {
    const result = await build(prepared, {
      signal,
      onEvent: guard.watch(consoleSink(write)),
      force: !inputs.reuse,
      timeoutMs: parseDuration(inputs.timeout ?? DEFAULT_TIMEOUT),
      fingerprintExclude: fingerprintExcludeFor(image),
      sshSession: inputs.sshSession,
    });
    outcome = result.builds[0] as BuildOutcome;
    runUuid = result.runUuid;
  } catch (error) {
    const made = error instanceof BuildFailedError ? madeImages(error.builds, image) : [];
    await undo(made, image, inputs, holder, redact, write, error);
    guard.done(error);
    throw new KilnError("BUILD_FAILED", redact(`BakedImage build failed: ${errorMessage(error)}`), { cause: error });
  }

  const artifact = outcome.artifacts[0] as Artifact;
  try {
    await (await imageStore(image.source.type)).hold({ artifact, config }, holder, { baked: !outcome.reused }, signal);
  } catch (error) {
    await undo(outcome.reused ? [] : [artifact], image, inputs, holder, redact, write, error);
    guard.done(error);
    throw new KilnError(
      "IMAGE_HOLD_FAILED",
      redact(`BakedImage: marking ${artifact.id} as held failed: ${errorMessage(error)}`),
      {
        cause: error,
        context: { resource: artifact.id },
      },
    );
  }
  // Released only now: a process killed before the image is held would leave an image nobody tracks.
  guard.done();
  if (outcome.fingerprint !== inputs.fingerprint) {
    say(
      write,
      `${outcome.name}: the build's fingerprint ${outcome.fingerprint} differs from the program's ${inputs.fingerprint}; did a file change during the update?`,
      "stderr",
    );
  }
  const outs = outputs(inputs, image, { artifact, holder, adopted: outcome.reused, runUuid, redact });
  return { id: idOf(outs), outs };
}

/**
 * Starts the janitor when the operation is interrupted (the provider may be killed before its cleanup
 * ends), or in `standby` as soon as the build starts; releases it once the build's own cleanup has
 * finished without a cleanup error.
 */
function janitorGuard(image: ImageSpec, signal: AbortSignal, write: LineWriter, when: CreateOptions["janitor"]) {
  const buildIds: string[] = [];
  let janitor: Janitor | undefined;
  const start = () => {
    const plan = janitorPlan(image.source, buildIds);
    if (!plan || janitor) return;
    janitor = startJanitor(plan);
    say(
      write,
      `if this process is killed, process ${janitor.pid} finishes the cleanup (log: ${janitor.log})`,
      "stderr",
    );
  };
  signal.addEventListener("abort", start, { once: true });
  return {
    watch:
      (sink: EventSink): EventSink =>
      (event) => {
        if (event.type === "build-started") {
          buildIds.push(event.buildId);
          if (when === "standby") start();
        }
        sink(event);
      },
    done(error?: unknown) {
      signal.removeEventListener("abort", start);
      const cleanupFailed =
        error instanceof BuildFailedError && error.builds.some((b) => b.error instanceof CleanupError);
      if (!cleanupFailed) janitor?.release();
    },
  };
}

/** Images of this source the failed build made (not adopted ones: those belong to their holders). */
function madeImages(builds: readonly BuildOutcome[], image: ImageSpec): Artifact[] {
  return builds.flatMap((b) => (b.reused ? [] : b.artifacts.filter((a) => a.builderType === image.source.type)));
}

async function undo(
  made: readonly Artifact[],
  image: ImageSpec,
  inputs: BakedImageInputs,
  holder: Holder,
  redact: (text: string) => string,
  write: LineWriter,
  cause: unknown,
): Promise<void> {
  for (const artifact of made) {
    say(write, `${artifact.buildName}: the build failed after making ${artifact.id}; deleting it`);
    try {
      await destroyArtifact(artifact, { config: image.source.config, signal: AbortSignal.timeout(UNDO_TIMEOUT_MS) });
    } catch (error) {
      // Record what exists, so Pulumi tracks it and a later delete removes it (the host reads these fields).
      const outs = outputs(inputs, image, { artifact, holder, adopted: false, runUuid: "", redact });
      throw Object.assign(
        new KilnError(
          "RESOURCES_LEFT",
          redact(
            `BakedImage build failed (${errorMessage(cause)}) and deleting ${artifact.id} failed too (${errorMessage(error)}); it is kept in the stack so that \`pulumi destroy\` can retry`,
          ),
          { cause: error, context: { resource: artifact.id } },
        ),
        { id: idOf(outs), properties: outs, reasons: [redact(errorMessage(cause))] },
      );
    }
  }
}

function outputs(
  inputs: BakedImageInputs,
  image: ImageSpec,
  made: { artifact: Artifact; holder: Holder; adopted: boolean; runUuid: string; redact: (text: string) => string },
): BakedImageOutputs {
  const { artifact } = made;
  const { images, snapshotIds } = imagesOf(artifact);
  const now = new Date();
  const config = image.source.config;
  const echoed = Object.fromEntries(INPUT_KEYS.map((key) => [key, inputs[key]]));
  const outs = {
    ...echoed,
    holder: made.holder.key,
    adopted: made.adopted,
    artifact,
    source: { type: image.source.type, name: image.source.name, config },
    imageId: primaryImageId(artifact, typeof config.region === "string" ? config.region : undefined),
    artifactId: artifact.id,
    images,
    snapshotIds,
    imageName: imageNameOf(image.source),
    buildName: artifact.buildName,
    buildTime: now.toISOString(),
    manifest: manifestOf(image.spec, image.source.name, artifact, made.runUuid, now, made.redact),
  };
  // Pulumi's wire format has no `undefined`.
  return JSON.parse(JSON.stringify(outs)) as BakedImageOutputs;
}

/** The resource ID: the image ID where there is one, else a key unique to this resource. */
export function idOf(outs: Pick<BakedImageOutputs, "images" | "imageId" | "holder">): string {
  return Object.keys(outs.images).length ? outs.imageId : `kiln-${outs.holder}`;
}
