// Type conversion functions and env(). tostring/tonumber/tobool pass null through, as cty's do.
import { type HclValue, isObject, makeObject, toSet } from "../values";
import { argError, convertTo, type HclFunction, unifyPrimitives } from "./types";

const anyNull = (name: string) => ({ name, type: "any" as const, allowNull: true });

function primitive(kind: "string" | "number" | "bool") {
  return ([v]: HclValue[]): HclValue => {
    if (v === null || v === undefined) return null;
    if (typeof v === "object") throw argError(0, `cannot convert ${Array.isArray(v) ? "tuple" : "object"} to ${kind}`);
    try {
      return convertTo(v, kind);
    } catch (e) {
      throw argError(0, `cannot convert ${JSON.stringify(v)} to ${kind}; ${(e as Error).message}`);
    }
  };
}

export const conversionFunctions: Record<string, HclFunction> = {
  tostring: { params: [anyNull("v")], impl: primitive("string") },
  tonumber: { params: [anyNull("v")], impl: primitive("number") },
  tobool: { params: [anyNull("v")], impl: primitive("bool") },
  tolist: {
    params: [anyNull("v")],
    impl: ([v]) => {
      if (v === null) return null;
      if (!Array.isArray(v)) throw argError(0, "cannot convert to list");
      return unifyPrimitives(v);
    },
  },
  toset: {
    params: [anyNull("v")],
    impl: ([v]) => {
      if (v === null) return null;
      if (!Array.isArray(v)) throw argError(0, "cannot convert to set");
      return toSet(unifyPrimitives(v));
    },
  },
  tomap: {
    params: [anyNull("v")],
    impl: ([v]) => {
      if (v === null) return null;
      if (!isObject(v)) throw argError(0, "cannot convert to map");
      const entries = Object.entries(v);
      const unified = unifyPrimitives(entries.map(([, x]) => x));
      return makeObject(entries.map(([k], i) => [k, unified[i] as HclValue]));
    },
  },
  env: {
    params: [{ name: "key", type: "string" }],
    impl: ([k], ctx) => {
      const env = ctx.policy.env ?? process.env;
      return env[k as string] ?? "";
    },
  },
};
