// yamldecode as Packer 1.6.6 does it (go-cty-yaml on a libyaml port, YAML 1.1): the `yaml` package parses
// with every scalar kept as text, and the scalars are resolved here with go-cty-yaml's rules — quoted
// scalars stay strings, `y`/`on`/`no` are booleans, `1_000` is 1000 and `0b101` 5 but `0x1F` a string,
// timestamps become RFC 3339 strings, and `<<` merges a mapping in place.
import type { Document, Node, Scalar } from "yaml";

// Loaded when a template first calls yamldecode: most never do, and every build pays start-up.
let yamlModule: typeof import("yaml") | undefined;
const yaml = () => {
  yamlModule ??= require("yaml") as typeof import("yaml");
  return yamlModule;
};

import { FunctionCallError } from "../errors";
import { formatNumber, type HclValue, makeObject, parseNumber, typeName, UNKNOWN } from "../values";

const TAG = "tag:yaml.org,2002:";
const RESOLVABLE = new Set(["", ...["str", "bool", "int", "float", "null", "timestamp", "binary"].map((t) => TAG + t)]);

const KEYWORDS = new Map<string, HclValue>([
  ...["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].map((k) => [k, true] as const),
  ...["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].map((k) => [k, false] as const),
  ...["", "~", "null", "Null", "NULL"].map((k) => [k, null] as const),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((k) => [k, Number.POSITIVE_INFINITY] as const),
  ...["-.inf", "-.Inf", "-.INF"].map((k) => [k, Number.NEGATIVE_INFINITY] as const),
]);
const BOOLEAN_WORDS = new Set([...KEYWORDS].filter(([, v]) => typeof v === "boolean").map(([k]) => k));

/** go-cty-yaml's first-character hint: only these may be anything but a string. */
function hint(src: string): "M" | "D" | "S" | "." | undefined {
  const c = src[0];
  if (c === undefined) return "M";
  if (c === "+" || c === "-") return "S";
  if (c >= "0" && c <= "9") return "D";
  if ("yYnNtTfFoO~".includes(c)) return "M";
  if (c === ".") return ".";
  return undefined;
}

/** A scalar's value from its text, tag and whether it was quoted. */
function resolveScalar(tag: string, src: string, quoted: boolean): HclValue {
  if (!RESOLVABLE.has(tag)) throw new FunctionCallError(`unsupported tag "${tag}"`);
  let effective = tag;
  const h = hint(src);
  if (h !== undefined && tag !== `${TAG}str` && tag !== `${TAG}binary`) {
    if (quoted) return src;
    if (KEYWORDS.has(src)) return KEYWORDS.get(src) as HclValue;
    if (src === ".nan" || src === ".NaN" || src === ".NAN")
      throw new FunctionCallError("floating point NaN is not supported");
    if (h === ".") {
      const n = parseNumber(src);
      if (n !== undefined) return n;
    } else if (h === "D" || h === "S") {
      if (tag === "" || tag === `${TAG}timestamp`) {
        const time = parseTimestamp(src);
        if (time !== undefined) return time;
      }
      const plain = src.replaceAll("_", "");
      const n = parseNumber(plain) ?? signedInfinity(plain);
      if (n !== undefined) return n;
      if (/^-?0b/.test(plain)) effective = `${TAG}int`;
    }
  }
  switch (effective) {
    case `${TAG}binary`:
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(src) || src.length % 4 !== 0)
        throw new FunctionCallError(`cannot parse "${src}" as ${tag}: not valid base64`);
      return src;
    case "":
    case `${TAG}str`:
      return src;
    case `${TAG}bool`:
      if (!BOOLEAN_WORDS.has(src)) throw new FunctionCallError(`cannot parse "${src}" as ${tag}`);
      return KEYWORDS.get(src) as HclValue;
    case `${TAG}int`:
    case `${TAG}float`:
      return parseInteger(src.replaceAll("_", ""), tag);
    case `${TAG}timestamp`: {
      const time = parseTimestamp(src);
      if (time === undefined) throw new FunctionCallError(`cannot parse "${src}" as ${tag}`);
      return time;
    }
    default:
      return null; // !!null
  }
}

/** cty parses numbers with Go's big.Float, which also reads a signed "inf"/"Inf". */
function signedInfinity(text: string): number | undefined {
  const m = /^([+-])(?:inf|Inf)$/.exec(text);
  if (!m) return undefined;
  return m[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/** Decimal, then Go's strconv.ParseInt base 0 (0x, 0o, 0 prefixes), then 0b binary. */
function parseInteger(plain: string, tag: string): number {
  const n = parseNumber(plain);
  if (n !== undefined) return n;
  const m = /^([-+]?)(0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+|0[0-7]+)$/.exec(plain);
  if (m) {
    const digits = m[2] as string;
    const body = /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : digits;
    const value = Number(body);
    return m[1] === "-" ? -value : value;
  }
  throw new FunctionCallError(`cannot parse "${plain}" as ${tag}`);
}

// Go layouts "2006-1-2T15:4:5.999999999Z07:00" (T or t), "2006-1-2 15:4:5.999999999" and "2006-1-2".
const TIMESTAMP =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** A YAML timestamp as Go's time.Format(time.RFC3339) prints it (fractional seconds dropped). */
function parseTimestamp(src: string): string | undefined {
  const m = TIMESTAMP.exec(src);
  if (!m) return undefined;
  const [, y, mo, d, t, space, hh, mm, ss, zone] = m;
  // "T" forms need a zone, the space form must have none.
  if ((t && !zone) || (space && zone)) return undefined;
  const [year, month, day] = [Number(y), Number(mo), Number(d)];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const [hour, minute, second] = [Number(hh ?? 0), Number(mm ?? 0), Number(ss ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const two = (n: number) => String(n).padStart(2, "0");
  const offset = !zone || zone === "Z" || zone === "+00:00" || zone === "-00:00" ? "Z" : zone;
  return `${y}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}${offset}`;
}

/** Walks one document's nodes, resolving aliases to the value of their anchor. */
class Converter {
  private readonly pending = new Set<string>();
  constructor(private readonly doc: Document) {}

  value(node: unknown): HclValue {
    if (node === null || node === undefined) return null; // "a:" with nothing after it
    if (yaml().isAlias(node)) {
      if (this.pending.has(node.source))
        throw new FunctionCallError(`cannot refer to anchor "${node.source}" from inside its own definition`);
      const target = node.resolve(this.doc);
      if (!target) throw new FunctionCallError(`reference to undefined anchor "${node.source}"`);
      return this.value(target);
    }
    const anchor = (node as Node).anchor;
    if (anchor) this.pending.add(anchor);
    try {
      return this.node(node as Node);
    } finally {
      if (anchor) this.pending.delete(anchor);
    }
  }

  private node(node: Node): HclValue {
    if (yaml().isScalar(node)) return this.scalar(node);
    if (yaml().isSeq(node)) {
      if (node.tag && node.tag !== `${TAG}seq`) throw new FunctionCallError(`can't interpret sequence as ${node.tag}`);
      return node.items.map((item) => this.value(item));
    }
    if (yaml().isMap(node)) {
      if (node.tag && node.tag !== `${TAG}map`) throw new FunctionCallError(`can't interpret mapping as ${node.tag}`);
      const entries = new Map<string, HclValue>();
      for (const pair of node.items) {
        const key = this.key(pair.key);
        const value = this.value(pair.value);
        if (key !== "<<") {
          entries.set(key, value);
          continue;
        }
        // go-cty-yaml merges in place: the merged keys overwrite earlier ones and later keys win over them.
        if (typeof value !== "object" || value === null || Array.isArray(value) || value === UNKNOWN)
          throw new FunctionCallError(`cannot merge ${value === null ? "null" : typeName(value)} into mapping`);
        for (const [k, v] of Object.entries(value)) entries.set(k, v);
      }
      return makeObject(entries);
    }
    throw new FunctionCallError("unexpected YAML node");
  }

  private scalar(node: Scalar): HclValue {
    const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
    return resolveScalar(node.tag ?? "", String(node.value), quoted);
  }

  /** Mapping keys must be scalars whose value converts to a non-null string (`1.0` → "1", `y` → "true"). */
  private key(node: unknown): string {
    const target = yaml().isAlias(node) ? node.resolve(this.doc) : node;
    if (!yaml().isScalar(target)) throw new FunctionCallError("only strings are allowed as mapping keys");
    const key = this.scalar(target);
    if (key === null) throw new FunctionCallError("mapping key cannot be null");
    return typeof key === "number" ? formatNumber(key) : String(key);
  }
}

export function yamlDecode(src: string): HclValue {
  const docs = yaml().parseAllDocuments(src, { version: "1.1", schema: "failsafe", uniqueKeys: false });
  if (!Array.isArray(docs) || docs.length === 0)
    throw new FunctionCallError("on line 1, column 1: missing start of document");
  const [doc, extra] = docs as Document[];
  const error = doc?.errors[0] ?? extra?.errors[0];
  if (error) throw new FunctionCallError(error.message.split("\n")[0] as string);
  if (extra) throw new FunctionCallError("only a single document is allowed");
  // A null document is null, as go-cty-yaml 1.0.3 fixed it (Packer 1.6.6's 1.0.1 made it unknown).
  return new Converter(doc as Document).value(doc?.contents);
}
