// JS representation of cty values. Lists, tuples and sets are arrays; maps and objects are plain objects
// whose keys are always visited in sorted order (cty sorts attribute names; JS would put "10" before "a").
// A value that is only known at build time (build.ID, source.name in some contexts) is UNKNOWN, and any
// operation touching it yields UNKNOWN, as cty does.

export type HclValue = string | number | boolean | null | HclUnknown | HclValue[] | HclObject;
export interface HclObject {
  [key: string]: HclValue;
}

/** Marker for a value not known until build time. Compare with `isUnknown`, never by `===` on copies. */
export class HclUnknown {
  readonly unknown = true;
  toString(): string {
    return "<unknown>";
  }
}
export const UNKNOWN: HclUnknown = new HclUnknown();

export function isUnknown(v: unknown): v is HclUnknown {
  return v instanceof HclUnknown;
}
export function isObject(v: HclValue | undefined): v is HclObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof HclUnknown);
}
export function isList(v: HclValue | undefined): v is HclValue[] {
  return Array.isArray(v);
}
/** True when the value or anything nested in it is unknown. */
export function hasUnknown(v: HclValue): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (isObject(v)) return Object.values(v).some(hasUnknown);
  return false;
}

/** Object keys in cty order (byte-wise on UTF-8, which equals code-point order). */
export function sortedKeys(o: HclObject): string[] {
  return Object.keys(o).sort(compareStrings);
}
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  // Compare by code point so astral characters sort like Go's byte-wise comparison.
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}
export function sortedEntries(o: HclObject): [string, HclValue][] {
  return sortedKeys(o).map((k) => [k, o[k] as HclValue]);
}
/** Builds an object safely: `__proto__` becomes an ordinary key, never the prototype. */
export function makeObject(entries: Iterable<readonly [string, HclValue]>): HclObject {
  return Object.fromEntries(entries) as HclObject;
}
export function hasKey(o: HclObject, k: string): boolean {
  return Object.hasOwn(o, k);
}

/** cty type name, for error messages. */
export function typeName(v: HclValue): string {
  if (v === null) return "null";
  if (isUnknown(v)) return "dynamic";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "tuple";
  return "object";
}

/** A conversion the value cannot take; callers turn the message into a positioned ExpressionError. */
export class ConversionError extends Error {}

/**
 * Number to string as cty does (big.Float.Text('f', -1)): never exponent notation. Kiln keeps numbers as
 * float64, so the shortest decimal that round-trips is printed; whole numbers print without a point.
 */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (Object.is(n, -0)) return "0";
  const s = String(n);
  if (!/e/i.test(s)) return s;
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(n.toExponential());
  if (!m) return s;
  const [, sign, lead, frac = "", expText] = m;
  const digits = `${lead}${frac}`;
  const exp = Number(expText);
  if (exp >= 0) {
    const intLen = exp + 1;
    return intLen >= digits.length
      ? `${sign}${digits}${"0".repeat(intLen - digits.length)}`
      : `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
  }
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

const NUMBER_TEXT = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Parses a string the way cty's string→number conversion accepts it (decimal only, no spaces). */
export function parseNumber(s: string): number | undefined {
  return NUMBER_TEXT.test(s) ? Number(s) : undefined;
}

export function toStringValue(v: HclValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  throw new ConversionError("string required");
}

export function toNumberValue(v: HclValue): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = parseNumber(v);
    if (n !== undefined) return n;
    throw new ConversionError(`a number is required`);
  }
  throw new ConversionError("number required");
}

export function toBoolValue(v: HclValue): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  if (typeof v === "string") throw new ConversionError("a bool is required");
  throw new ConversionError("bool required");
}

/** cty equality: same kind and same contents; numbers and strings never equal each other. */
export function valuesEqual(a: HclValue, b: HclValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => valuesEqual(x, b[i] as HclValue));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && valuesEqual(a[k] as HclValue, b[k] as HclValue));
  }
  return false;
}

/** Order of set elements as cty iterates them: strings and numbers ascending, false before true. */
export function compareSetElements(a: HclValue, b: HclValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return compareStrings(JSON.stringify(a), JSON.stringify(b));
}

const SET = Symbol("kiln.hcl.set");

/**
 * Dedupes and orders like a cty set built from the given elements. The array is marked (a hidden symbol
 * property) so `for` can use elements as keys and indexing can be refused, as for cty sets.
 */
export function toSet(items: readonly HclValue[]): HclValue[] {
  const out: HclValue[] = [];
  for (const item of items) if (!out.some((o) => valuesEqual(o, item))) out.push(item);
  out.sort(compareSetElements);
  Object.defineProperty(out, SET, { value: true, enumerable: false });
  return out;
}

/** Whether an array came from a set-producing function (toset, setunion, set parameters). */
export function isSet(v: HclValue | undefined): boolean {
  return Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[SET] === true;
}

/** Deep copy, so functions never hand out aliases of caller-owned values. */
export function cloneValue(v: HclValue): HclValue {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (isObject(v)) return makeObject(Object.entries(v).map(([k, x]) => [k, cloneValue(x)]));
  return v;
}

/**
 * Converts plain JS data (from JSON, zod output, the loader) to an HclValue: undefined becomes null,
 * non-finite numbers are rejected.
 */
export function fromJs(v: unknown): HclValue {
  if (v === undefined || v === null) return null;
  if (v instanceof HclUnknown) return v;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new ConversionError(`cannot represent ${v} as an HCL number`);
    return v;
  }
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(fromJs);
  if (typeof v === "object") return makeObject(Object.entries(v).map(([k, x]) => [k, fromJs(x)]));
  throw new ConversionError(`cannot represent a ${typeof v} as an HCL value`);
}
