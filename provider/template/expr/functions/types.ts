import { FunctionArgError } from "../errors";
import {
  ConversionError,
  type HclValue,
  isObject,
  isUnknown,
  makeObject,
  toBoolValue,
  toNumberValue,
  toSet,
  toStringValue,
  typeName,
} from "../values";

/** What a function call may touch; set by the loader per evaluation context. */
export interface FunctionPolicy {
  /** Packer allows env() only in variable defaults. */
  readonly allowEnv?: boolean;
  /** Directory relative paths of file functions resolve against (Packer: the template's directory). */
  readonly baseDir?: string;
  /** Environment for env(); defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock for timestamp(); Packer reads it once per call, tests fix it. */
  readonly now?: () => Date;
}

export interface CallContext {
  readonly policy: FunctionPolicy;
  /** Renders a template file (templatefile); supplied by the evaluator, which owns the parser. */
  readonly renderTemplateFile: (path: string, vars: Record<string, HclValue>) => HclValue;
}

/** Parameter types, converted like cty converts arguments before the function body runs. */
export type ParamType =
  | "string"
  | "number"
  | "bool"
  | "any"
  | { readonly list: ParamType }
  | { readonly set: ParamType }
  | { readonly map: ParamType };

export interface Param {
  readonly name: string;
  readonly type: ParamType;
  /** Accept null instead of failing with "argument must not be null". */
  readonly allowNull?: boolean;
  /** Pass unknown values (nested ones too) to the body instead of short-circuiting to unknown. */
  readonly allowUnknown?: boolean;
}

export interface HclFunction {
  readonly params: readonly Param[];
  readonly variadic?: Param;
  readonly impl: (args: HclValue[], ctx: CallContext) => HclValue;
}

export type FunctionTable = Readonly<Record<string, HclFunction>>;

export function describeType(t: ParamType): string {
  if (typeof t === "string") return t === "any" ? "any value" : t;
  if ("list" in t) return `list of ${describeType(t.list)}`;
  if ("set" in t) return `set of ${describeType(t.set)}`;
  return `map of ${describeType(t.map)}`;
}

/** Converts an argument to a parameter type; throws ConversionError with cty's wording. */
export function convertTo(v: HclValue, t: ParamType): HclValue {
  if (t === "any" || isUnknown(v)) return v;
  if (v === null) return null;
  if (t === "string") return toStringValue(v);
  if (t === "number") return toNumberValue(v);
  if (t === "bool") return toBoolValue(v);
  if ("list" in t || "set" in t) {
    const inner = "list" in t ? t.list : t.set;
    if (!Array.isArray(v)) throw new ConversionError(`${describeType(t)} required`);
    const source = inner === "any" ? unifyPrimitives(v) : v;
    const items = source.map((x) => {
      if (x === null && inner !== "any") return null;
      try {
        return convertTo(x, inner);
      } catch {
        throw new ConversionError(`${describeType(t)} required`);
      }
    });
    return "set" in t ? toSet(items) : items;
  }
  if (!isObject(v)) throw new ConversionError(`${describeType(t)} required`);
  return makeObject(
    Object.entries(v).map(([k, x]) => {
      try {
        return [k, x === null ? null : convertTo(x, t.map)];
      } catch {
        throw new ConversionError(`${describeType(t)} required`);
      }
    }),
  );
}

/**
 * cty turns a tuple into a list by unifying element types: mixed primitives all become strings
 * (`distinct([1, "1"])` is `["1"]`). Structural mismatches are left alone (Kiln is more permissive).
 */
export function unifyPrimitives(items: readonly HclValue[]): HclValue[] {
  const kinds = new Set(items.filter((x) => x !== null && !isUnknown(x)).map((x) => typeof x));
  const primitive = [...kinds].every((k) => k === "string" || k === "number" || k === "boolean");
  if (!primitive || kinds.size < 2) return [...items];
  return items.map((x) => (x === null || isUnknown(x) ? x : toStringValue(x)));
}

/** Shorthand for an argument error from inside a function body. */
export function argError(index: number, message: string): FunctionArgError {
  return new FunctionArgError(index, message);
}

export function mustBeList(v: HclValue, index: number, what = "list"): HclValue[] {
  if (!Array.isArray(v)) throw argError(index, `${what} required, got ${typeName(v)}`);
  return v;
}

export function asString(v: HclValue): string {
  return v as string;
}
export function asNumber(v: HclValue): number {
  return v as number;
}

/** Whole-number argument check, with cty's message for a fractional value. */
export function wholeNumber(v: HclValue, index: number): number {
  const n = v as number;
  if (!Number.isInteger(n)) throw argError(index, "value must be a whole number");
  return n;
}
