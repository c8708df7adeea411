// format() and formatlist(): cty's printf dialect (% flags [argnum] width .precision verb).
import { FunctionCallError } from "../errors";
import { type HclValue, isUnknown, toBoolValue, toNumberValue, toStringValue } from "../values";
import { type GoFlags, goFloat, goInteger, goJsonString, padNumber } from "./gofmt";
import { jsonEncode } from "./json";
import { argError, type HclFunction } from "./types";

function padString(s: string, f: GoFlags): string {
  const width = f.width ?? -1;
  const len = [...s].length;
  if (width <= len) return s;
  const pad = (f.zero ? "0" : " ").repeat(width - len);
  return f.minus ? s + pad : pad + s;
}

interface Verb extends GoFlags {
  raw: string;
  offset: number;
  argNum: number;
  prec: number;
  mode: string;
}

function appendVerb(v: Verb, args: readonly HclValue[]): string {
  if (v.argNum - 1 >= args.length) {
    throw new FunctionCallError(
      `not enough arguments for "${v.raw}" at ${v.offset}: need index ${v.argNum} but have ${args.length} total`,
    );
  }
  const arg = args[v.argNum - 1] as HclValue;
  if (v.mode !== "v" && arg === null) {
    throw new FunctionCallError(`unsupported value for "${v.raw}" at ${v.offset}: null value cannot be formatted`);
  }
  const convert = <T>(fn: (x: HclValue) => T): T => {
    try {
      return fn(arg);
    } catch (e) {
      throw new FunctionCallError(`unsupported value for "${v.raw}" at ${v.offset}: ${(e as Error).message}`);
    }
  };
  switch (v.mode) {
    case "v":
      if (!v.sharp && typeof arg === "string") return padString(arg, v);
      if (!v.sharp && typeof arg === "number") return padString(`${arg < 0 ? "-" : ""}${goFloat(arg, "g", -1)}`, v);
      return padString(jsonEncode(arg), v);
    case "t":
      return convert(toBoolValue) ? "true" : "false";
    case "b":
    case "d":
    case "o":
    case "x":
    case "X": {
      const n = convert(toNumberValue);
      if (!Number.isInteger(n)) {
        throw new FunctionCallError(`unsupported value for "${v.raw}" at ${v.offset}: an integer is required`);
      }
      return goInteger(BigInt(n), v.mode, v.prec, v);
    }
    case "e":
    case "E":
    case "f":
    case "g":
    case "G": {
      const n = convert(toNumberValue);
      return padNumber(n < 0 || Object.is(n, -0), goFloat(n, v.mode, v.prec), v);
    }
    case "s":
    case "q": {
      let s = convert(toStringValue);
      if (v.prec > 0) s = [...s].slice(0, v.prec).join("");
      return padString(v.mode === "q" ? goJsonString(s) : s, v);
    }
    default:
      throw new FunctionCallError(`unsupported format verb "${v.mode}" in "${v.raw}" at offset ${v.offset}`);
  }
}

/** Formats like cty's formatFSM. */
export function goFormat(format: string, args: readonly HclValue[]): string {
  let out = "";
  let next = 1;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    if (format[i + 1] === "%") {
      out += "%";
      i += 2;
      continue;
    }
    const start = i;
    i++;
    const v: Verb = { raw: "", offset: start, argNum: next, prec: -1, mode: "" };
    const flags: { -readonly [K in keyof GoFlags]: GoFlags[K] } = {};
    for (;;) {
      const f = format[i];
      if (f === "0") flags.zero = true;
      else if (f === "#") flags.sharp = true;
      else if (f === "-") flags.minus = true;
      else if (f === "+") flags.plus = true;
      else if (f === " ") flags.space = true;
      else break;
      i++;
    }
    const argIdx = /^\[([1-9]\d*)\]/.exec(format.slice(i));
    if (argIdx) {
      v.argNum = Number(argIdx[1]);
      i += argIdx[0].length;
    }
    const width = /^[1-9]\d*/.exec(format.slice(i));
    if (width) {
      flags.width = Number(width[0]);
      i += width[0].length;
    }
    if (format[i] === ".") {
      const p = /^\d*/.exec(format.slice(i + 1))![0];
      v.prec = p === "" ? 0 : Number(p);
      i += 1 + p.length;
    }
    const mode = format[i];
    if (mode === undefined) throw new FunctionCallError(`invalid format string starting at offset ${start}`);
    if (!/[a-zA-Z]/.test(mode)) {
      throw new FunctionCallError(`unrecognized format character "${mode}" at offset ${i}`);
    }
    i++;
    Object.assign(v, flags, { mode, raw: format.slice(start, i) });
    out += appendVerb(v, args);
    next = v.argNum + 1;
  }
  return out;
}

export const formatFunctions: Record<string, HclFunction> = {
  format: {
    params: [{ name: "format", type: "string" }],
    variadic: { name: "args", type: "any", allowNull: true },
    impl: ([format, ...args]) => goFormat(format as string, args),
  },
  formatlist: {
    params: [{ name: "format", type: "string" }],
    variadic: { name: "args", type: "any", allowNull: true, allowUnknown: true },
    impl: ([format, ...args]) => {
      let len = -1;
      let chooser = -1;
      args.forEach((a, i) => {
        if (!Array.isArray(a)) return;
        if (len === -1) {
          len = a.length;
          chooser = i;
        } else if (a.length !== len) {
          throw argError(
            i + 1,
            `argument ${i + 1} has length ${a.length}, which is inconsistent with argument ${chooser + 1} of length ${len}`,
          );
        }
      });
      if (len === -1) len = 1;
      const out: HclValue[] = [];
      for (let n = 0; n < len; n++) {
        const row = args.map((a) => (Array.isArray(a) ? (a[n] as HclValue) : a));
        if (row.some(isUnknown)) out.push(row.find(isUnknown)!);
        else out.push(goFormat(format as string, row));
      }
      return out;
    },
  },
};
