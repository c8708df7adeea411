import type { z } from "zod";
import { parseWeakly } from "../spec/weak-types";
import { deferredBuildKeys, resolveBuildData } from "../template/build-data";

/**
 * A plugin config with Packer's build-time values (`build.Host`, `build.SourceAMI`…) filled in. Those
 * are only known once the machine exists, so the template leaves markers that are resolved — and the
 * result validated again — when the step starts. Configs without markers are returned as validated.
 */
export function withBuildData<C>(
  validated: C,
  raw: Readonly<Record<string, unknown>>,
  schema: z.ZodType<C, unknown>,
  generated: Readonly<Record<string, string>>,
): C {
  if (deferredBuildKeys(raw).length === 0) return validated;
  // The same type conversions as at validation ("{{build `Port`}}" renders to a string).
  const result = parseWeakly(schema, resolveBuildData(raw, generated));
  if (!result.success) throw result.error;
  return result.data;
}
