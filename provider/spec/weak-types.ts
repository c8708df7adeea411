import type { z } from "zod";

/**
 * Packer converts a plugin field's value to the field's type before the plugin sees it: HCL2 through
 * cty ("22" → 22, 22 → "22", true → "true"), legacy JSON through mapstructure's weak decoding
 * ("{{user `port`}}" renders to "22" for an int field; "true"/"1"/"t" for a bool). Kiln's schemas are
 * strict, so a config is retried with those conversions applied where the schema reported a wrong type.
 */
export function parseWeakly<C>(schema: z.ZodType<C, unknown>, raw: unknown): z.ZodSafeParseResult<C> {
  let value = raw;
  let result = schema.safeParse(value);
  // Each round fixes every convertible issue it sees; nested schemas may report more after that.
  for (let round = 0; round < 5 && !result.success; round++) {
    const fixes = result.error.issues.flatMap((issue) => {
      if (issue.code !== "invalid_type") return [];
      const converted = convert(valueAt(value, issue.path), issue.expected);
      return converted === undefined ? [] : [{ path: issue.path, converted }];
    });
    if (fixes.length === 0) break;
    value = structuredClone(value);
    for (const fix of fixes) value = setAt(value, fix.path, fix.converted);
    result = schema.safeParse(value);
  }
  return result;
}

const BOOL_TEXT: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  t: true,
  T: true,
  "1": true,
  false: false,
  False: false,
  FALSE: false,
  f: false,
  F: false,
  "0": false,
};
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function convert(value: unknown, expected: string): unknown {
  if (expected === "number" && typeof value === "string" && DECIMAL.test(value.trim())) return Number(value.trim());
  if (expected === "boolean" && typeof value === "string" && Object.hasOwn(BOOL_TEXT, value)) return BOOL_TEXT[value];
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean")) return String(value);
  return undefined;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function setAt(root: unknown, path: readonly PropertyKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  let current = root as Record<PropertyKey, unknown>;
  for (const key of path.slice(0, -1)) current = current[key] as Record<PropertyKey, unknown>;
  current[path[path.length - 1] as PropertyKey] = value;
  return root;
}
