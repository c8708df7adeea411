// Collection functions (cty stdlib collection.go/set.go/sequence.go and Terraform's lang/funcs).
import { FunctionCallError } from "../errors";
import {
  compareStrings,
  type HclValue,
  hasKey,
  isObject,
  isUnknown,
  makeObject,
  sortedEntries,
  sortedKeys,
  toSet,
  typeName,
  valuesEqual,
} from "../values";
import { graphemes } from "./strings";
import { argError, type HclFunction, type Param, unifyPrimitives, wholeNumber } from "./types";

const list = (name: string): Param => ({ name, type: { list: "any" } });
const any = (name: string, extra: Partial<Param> = {}): Param => ({ name, type: "any", ...extra });
const num = (name: string): Param => ({ name, type: "number" });

function seq(v: HclValue, i: number, what = "list"): HclValue[] {
  if (!Array.isArray(v)) throw argError(i, `${what} required`);
  return v;
}

function flatten(items: readonly HclValue[]): HclValue[] {
  const out: HclValue[] = [];
  for (const x of items) {
    if (Array.isArray(x)) out.push(...flatten(x));
    else out.push(x);
  }
  return out;
}

function range(args: number[]): number[] {
  let start = 0;
  let limit: number;
  let step = 1;
  if (args.length === 1) limit = args[0]!;
  else if (args.length === 2) {
    [start, limit] = args as [number, number];
    // Without an explicit step, cty counts down when start is above the limit.
    if (start > limit) step = -1;
  } else if (args.length === 3) [start, limit, step] = args as [number, number, number];
  else throw new FunctionCallError("must have one, two, or three arguments");
  if (start < limit && step < 0) throw argError(0, "start must be less than or equal to end when step is negative");
  if (start > limit && step > 0) throw argError(0, "start must be greater than or equal to end when step is positive");
  const out: number[] = [];
  const max = 1024;
  for (let v = start; step >= 0 ? v < limit : v > limit; v += step) {
    if (out.length >= max)
      throw new FunctionCallError(
        `more than ${max} values were generated; either decrease the difference between start and end or use a smaller step`,
      );
    out.push(v);
  }
  return out;
}

function setProduct(sets: HclValue[][]): HclValue[][] {
  let acc: HclValue[][] = [[]];
  for (const s of sets) {
    const next: HclValue[][] = [];
    for (const prefix of acc) for (const x of s) next.push([...prefix, x]);
    acc = next;
  }
  return sets.length === 0 ? [] : acc;
}

export const collectionFunctions: Record<string, HclFunction> = {
  length: {
    // A tuple's length is known even when some elements are not.
    params: [any("value", { allowUnknown: true })],
    impl: ([v]) => {
      if (isUnknown(v)) return v as HclValue;
      if (typeof v === "string") return graphemes(v).length;
      if (Array.isArray(v)) return v.length;
      if (isObject(v)) return Object.keys(v).length;
      throw new FunctionCallError("argument must be a string, a collection type, or a structural type");
    },
  },
  concat: {
    params: [],
    variadic: any("seqs"),
    impl: (lists) => {
      if (lists.length === 0) throw new FunctionCallError("at least one argument is required");
      return lists.flatMap((l, i) => {
        if (!Array.isArray(l)) throw argError(i, `all arguments must be lists or tuples; got ${typeName(l)}`);
        return l;
      });
    },
  },
  merge: {
    params: [],
    variadic: any("maps", { allowNull: true }),
    impl: (maps) => {
      if (maps.length === 0) return null;
      const out: [string, HclValue][] = [];
      maps.forEach((m, _i) => {
        if (m === null) return;
        if (!isObject(m)) throw new FunctionCallError(`arguments must be maps or objects, got "${typeName(m)}"`);
        for (const [k, v] of Object.entries(m)) {
          const at = out.findIndex(([x]) => x === k);
          if (at >= 0) out.splice(at, 1);
          out.push([k, v]);
        }
      });
      return makeObject(out);
    },
  },
  lookup: {
    // Packer's lookup (cty stdlib) requires the default, unlike Terraform's.
    params: [any("inputMap"), { name: "key", type: "string" }, any("default", { allowNull: true })],
    impl: ([m, k, def]) => {
      if (!isObject(m)) throw argError(0, "the given value is not a map or object");
      const key = k as string;
      return hasKey(m, key) ? (m[key] as HclValue) : (def as HclValue);
    },
  },
  element: {
    params: [list("list"), num("index")],
    impl: ([l, i]) => {
      const items = seq(l as HclValue, 0);
      const n = wholeNumber(i as HclValue, 1);
      if (items.length === 0) throw new FunctionCallError("cannot use element function with an empty list");
      if (n < 0) throw argError(1, "cannot use element function with a negative index");
      return items[n % items.length] as HclValue;
    },
  },
  keys: {
    params: [any("inputMap")],
    impl: ([m]) => {
      if (!isObject(m)) throw argError(0, "must have map or object type");
      return sortedKeys(m);
    },
  },
  values: {
    params: [any("values")],
    impl: ([m]) => {
      if (!isObject(m)) throw argError(0, "must have map or object type");
      return sortedEntries(m).map(([, v]) => v);
    },
  },
  contains: {
    params: [any("list"), any("value")],
    impl: ([l, v]) => {
      if (!Array.isArray(l)) throw argError(0, "argument must be list, tuple, or set");
      return l.some((x) => valuesEqual(x, v as HclValue));
    },
  },
  distinct: {
    params: [list("list")],
    impl: ([l]) => {
      const out: HclValue[] = [];
      for (const x of l as HclValue[]) if (!out.some((o) => valuesEqual(o, x))) out.push(x);
      return out;
    },
  },
  flatten: {
    params: [any("list")],
    impl: ([l]) => {
      if (!Array.isArray(l)) throw argError(0, "can only flatten lists, sets and tuples");
      return flatten(l);
    },
  },
  reverse: {
    params: [any("list")],
    impl: ([l]) => {
      if (!Array.isArray(l)) throw argError(0, "can only reverse a list, tuple or set");
      return [...l].reverse();
    },
  },
  slice: {
    params: [any("list"), num("start_index"), num("end_index")],
    impl: ([l, s, e]) => {
      const items = seq(l as HclValue, 0);
      const start = wholeNumber(s as HclValue, 1);
      const end = wholeNumber(e as HclValue, 2);
      if (start < 0) throw argError(1, "must be greater than or equal to 0");
      if (end > items.length) throw argError(2, "must be less than or equal to the length of the list");
      if (start > end) throw argError(1, "must be less than or equal to end_index");
      return items.slice(start, end);
    },
  },
  sort: {
    params: [{ name: "list", type: { list: "string" } }],
    impl: ([l]) => {
      const items = l as HclValue[];
      items.forEach((x, i) => {
        if (x === null) throw argError(0, `given list element ${i} is null; a null string cannot be sorted`);
      });
      return [...(items as string[])].sort(compareStrings);
    },
  },
  zipmap: {
    params: [{ name: "keys", type: { list: "string" } }, any("values")],
    impl: ([k, v]) => {
      const keys = k as HclValue[];
      const values = seq(v as HclValue, 1);
      if (keys.length !== values.length) {
        throw new FunctionCallError(
          `number of keys (${keys.length}) does not match number of values (${values.length})`,
        );
      }
      return makeObject(keys.map((key, i) => [key as string, values[i] as HclValue]));
    },
  },
  coalesce: {
    params: [],
    variadic: any("vals", { allowNull: true }),
    impl: (vals) => {
      const unified = unifyPrimitives(vals);
      for (const v of unified) if (v !== null && v !== "") return v;
      throw new FunctionCallError("no non-null, non-empty-string arguments");
    },
  },
  coalescelist: {
    params: [],
    variadic: any("vals", { allowNull: true }),
    impl: (vals) => {
      if (vals.length === 0) throw new FunctionCallError("at least one argument is required");
      for (const [i, v] of vals.entries()) {
        if (v === null) continue;
        if (!Array.isArray(v)) throw argError(i, `coalescelist arguments must be lists or tuples, got ${typeName(v)}`);
        if (v.length > 0) return v;
      }
      throw new FunctionCallError("no non-null arguments");
    },
  },
  compact: {
    params: [{ name: "list", type: { list: "string" } }],
    impl: ([l]) => (l as HclValue[]).filter((x) => x !== null && x !== ""),
  },
  index: {
    params: [any("list"), any("value")],
    impl: ([l, v]) => {
      if (!Array.isArray(l)) throw argError(0, "argument must be a list or tuple");
      const at = l.findIndex((x) => valuesEqual(x, v as HclValue));
      if (at < 0) throw new FunctionCallError("item not found");
      return at;
    },
  },
  range: {
    params: [],
    variadic: num("params"),
    impl: (args) => range(args as number[]),
  },
  chunklist: {
    params: [list("list"), num("size")],
    impl: ([l, s]) => {
      const items = l as HclValue[];
      const size = wholeNumber(s as HclValue, 1);
      if (size < 0) throw argError(1, "the size argument must be positive");
      if (size === 0) return [items];
      const out: HclValue[] = [];
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
      return out;
    },
  },
  setunion: {
    params: [{ name: "first_set", type: { set: "any" } }],
    variadic: { name: "other_sets", type: { set: "any" } },
    impl: (sets) => toSet(sets.flatMap((s) => s as HclValue[])),
  },
  setintersection: {
    params: [{ name: "first_set", type: { set: "any" } }],
    variadic: { name: "other_sets", type: { set: "any" } },
    impl: ([first, ...others]) =>
      toSet((first as HclValue[]).filter((x) => others.every((o) => (o as HclValue[]).some((y) => valuesEqual(x, y))))),
  },
  setsubtract: {
    params: [
      { name: "a", type: { set: "any" } },
      { name: "b", type: { set: "any" } },
    ],
    impl: ([a, b]) => toSet((a as HclValue[]).filter((x) => !(b as HclValue[]).some((y) => valuesEqual(x, y)))),
  },
  setproduct: {
    params: [],
    variadic: any("sets"),
    impl: (sets) => {
      if (sets.length < 2) throw new FunctionCallError("at least two arguments are required");
      return setProduct(sets.map((s, i) => seq(s, i, "list or set")));
    },
  },
  sum: {
    params: [any("list")],
    impl: ([l]) => {
      const items = seq(l as HclValue, 0);
      if (items.length === 0) throw new FunctionCallError("cannot sum an empty list");
      return items.reduce<number>((acc, x, i) => {
        if (typeof x !== "number") throw argError(0, `element ${i}: number required`);
        return acc + x;
      }, 0);
    },
  },
  alltrue: {
    params: [{ name: "list", type: { list: "bool" } }],
    impl: ([l]) => (l as HclValue[]).every((x) => x === true),
  },
  anytrue: {
    params: [{ name: "list", type: { list: "bool" } }],
    impl: ([l]) => (l as HclValue[]).some((x) => x === true),
  },
};
