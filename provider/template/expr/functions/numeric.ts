// Numeric functions (cty stdlib number.go). Packer's log/pow go through float64 as cty does.
import { FunctionCallError } from "../errors";
import { argError, type HclFunction } from "./types";

const num = (name: string) => ({ name, type: "number" as const });

/** Go big.Int SetString digits: 0-9, then a-z (case-insensitive up to base 36), then A-Z above 36. */
function digitValue(ch: string, base: number): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 97 + 10;
  if (c >= 65 && c <= 90) return base <= 36 ? c - 65 + 10 : c - 65 + 36;
  return 99;
}

function parseInt62(text: string, base: number): number {
  if (!Number.isInteger(base) || base < 2 || base > 62)
    throw argError(1, "base must be a whole number between 2 and 62 inclusive");
  let s = text;
  let neg = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "") throw argError(0, `cannot parse ${JSON.stringify(text)} as a base ${base} integer`);
  let n = 0n;
  for (const ch of s) {
    const d = digitValue(ch, base);
    if (d >= base) throw argError(0, `cannot parse ${JSON.stringify(text)} as a base ${base} integer`);
    n = n * BigInt(base) + BigInt(d);
  }
  return Number(neg ? -n : n);
}

export const numericFunctions: Record<string, HclFunction> = {
  abs: { params: [num("num")], impl: ([n]) => Math.abs(n as number) },
  ceil: { params: [num("num")], impl: ([n]) => Math.ceil(n as number) || 0 },
  floor: { params: [num("num")], impl: ([n]) => Math.floor(n as number) || 0 },
  signum: { params: [num("num")], impl: ([n]) => Math.sign(n as number) || 0 },
  log: { params: [num("num"), num("base")], impl: ([n, b]) => Math.log(n as number) / Math.log(b as number) },
  pow: { params: [num("num"), num("power")], impl: ([n, p]) => (n as number) ** (p as number) },
  max: {
    params: [],
    variadic: num("numbers"),
    impl: (ns) => {
      if (ns.length === 0) throw new FunctionCallError("must pass at least one number");
      return Math.max(...(ns as number[]));
    },
  },
  min: {
    params: [],
    variadic: num("numbers"),
    impl: (ns) => {
      if (ns.length === 0) throw new FunctionCallError("must pass at least one number");
      return Math.min(...(ns as number[]));
    },
  },
  parseint: {
    params: [{ name: "number", type: "string" }, num("base")],
    impl: ([s, b]) => parseInt62(s as string, b as number),
  },
};
