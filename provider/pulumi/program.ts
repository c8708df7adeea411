import { ConfigError } from "../engine/errors";
import { contentFingerprint } from "./fingerprint";
import type { BakedImageInputs, ResolvedArgs } from "./inputs";
import { ArgsError, imageSpec, type SpecArgs } from "./to-spec";

/** Fingerprint of args the provider's `check` will reject: it reports the problems by property. */
export const INVALID_FINGERPRINT = "invalid";

/**
 * The fingerprint, computed in the program (the provider's `diff` stays a pure comparison): editing a
 * script the build runs changes it, so `pulumi preview` shows the replacement.
 */
export async function programFingerprint(args: SpecArgs): Promise<string> {
  try {
    return await contentFingerprint(await imageSpec(args));
  } catch (error) {
    if (error instanceof ArgsError || error instanceof ConfigError) return INVALID_FINGERPRINT;
    throw error;
  }
}

/**
 * The inputs the program registers for plain (already resolved) args, as BakedImage computes them from
 * Inputs: for driving the provider directly (tests, other front ends). Secrets are listed by the caller.
 */
export async function providerInputs(
  name: string,
  args: ResolvedArgs,
  extra: { sensitiveValues?: readonly string[]; owner?: string } = {},
): Promise<BakedImageInputs> {
  const sourceName = args.sourceName ?? name;
  return {
    ...args,
    sourceName,
    fingerprint: await programFingerprint({ ...args, sourceName }),
    sensitiveValues: [...(extra.sensitiveValues ?? [])],
    owner: extra.owner ?? `kiln/${name}`,
  };
}
