import { isBuilderType } from "../builders/registry";
import type { PreparedBuilds } from "../engine/build";
import { internalError } from "../engine/errors";
import { fingerprint } from "../kiln";
import { traitsOf } from "./builders";
import { buildNameOf, type ImageSpec } from "./to-spec";

/** Config fields the resource handles itself, left out of the engine's fingerprint for this builder. */
export function fingerprintExcludeFor(image: ImageSpec): readonly string[] {
  // An unknown type gets no exclusions here: validating the spec, next, fails naming its file and line.
  return isBuilderType(image.source.type) ? traitsOf(image.source.type).notContent : [];
}

/**
 * The image's content fingerprint: the engine's (builder config, provisioners, bytes of every file they
 * upload or run) without the fields the resource updates in place or that only concern the build
 * machine. The engine computes the same value during the build and tags the image with it, which is how
 * `reuse` finds an image baked from identical content. Validates the spec first (throws ConfigError)
 * unless given it validated.
 */
export async function contentFingerprint(image: ImageSpec, prepared?: PreparedBuilds): Promise<string> {
  const all = await fingerprint(prepared ?? image.spec, { fingerprintExclude: fingerprintExcludeFor(image) });
  const value = all[buildNameOf(image)];
  if (!value) throw internalError(`no fingerprint for ${buildNameOf(image)} (got ${Object.keys(all).join(", ")})`);
  return value;
}
