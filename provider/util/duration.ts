import { z } from "zod";
import { KilnError } from "../engine/errors";

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/**
 * Parses a Go duration ("1h30m", "10s", "250ms") as Packer accepts it, to milliseconds.
 * A bare number is taken as seconds, which is what Packer's JSON templates do with integers.
 */
export function parseDuration(text: string | number): number {
  if (typeof text === "number") return text * 1000;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(PART)) {
    if (match.index !== consumed) break;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed += match[0].length;
  }
  if (consumed === 0 || consumed !== trimmed.length) {
    throw new KilnError(
      "VALUE_INVALID",
      `invalid duration ${JSON.stringify(text)}: expected a Go duration such as "30s", "5m" or "1h30m"`,
    );
  }
  return Math.round(total);
}

/** Zod type for a duration field: accepts Go duration text or seconds, yields milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((value, ctx) => {
  try {
    return parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});
