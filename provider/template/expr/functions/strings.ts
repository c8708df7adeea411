// String functions (cty stdlib string.go plus Packer's additions). Lengths and offsets count characters
// (grapheme clusters in cty; Intl.Segmenter here).
import { FunctionCallError } from "../errors";
import type { HclValue } from "../values";
import { regexReplace } from "./regex";
import { argError, type HclFunction } from "./types";

// Made on first use: building the segmenter costs start-up time that most templates never recover.
let segmenter: Intl.Segmenter | undefined;
export function graphemes(s: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

const str = (name: string) => ({ name, type: "string" as const });

/** Go's strings.Title: upper-cases the first letter of each word; letters, digits and _ join words. */
function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const ch of s) {
    const sep = isSeparator(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}
function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
  if (/[\p{L}\p{N}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** Go's strings.Trim with a cutset: every character in cutset is removed from both ends. */
function trimCutset(s: string, cutset: string): string {
  const cut = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(chars[a]!)) a++;
  while (b > a && cut.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join("");
}

/** Go's unicode.IsSpace set, for strings.TrimSpace. */
const GO_SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";
const TRIM_SPACE = new RegExp(`^${GO_SPACE}+|${GO_SPACE}+$`, "gu");

function substr(s: string, offset: number, length: number): string {
  const chars = graphemes(s);
  let start = offset;
  if (start < 0) {
    start = Math.max(0, start + chars.length);
  }
  if (start > chars.length) return "";
  if (length < 0) return chars.slice(start).join("");
  return chars.slice(start, start + length).join("");
}

export const stringFunctions: Record<string, HclFunction> = {
  upper: { params: [str("str")], impl: ([s]) => (s as string).toUpperCase() },
  lower: { params: [str("str")], impl: ([s]) => (s as string).toLowerCase() },
  title: { params: [str("str")], impl: ([s]) => title(s as string) },
  strrev: {
    params: [str("str")],
    impl: ([s]) =>
      graphemes(s as string)
        .reverse()
        .join(""),
  },
  trimspace: { params: [str("str")], impl: ([s]) => (s as string).replace(TRIM_SPACE, "") },
  trim: { params: [str("str"), str("cutset")], impl: ([s, c]) => trimCutset(s as string, c as string) },
  trimprefix: {
    params: [str("str"), str("prefix")],
    impl: ([s, p]) =>
      (s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : (s as string),
  },
  trimsuffix: {
    params: [str("str"), str("suffix")],
    impl: ([s, p]) =>
      (p as string) !== "" && (s as string).endsWith(p as string)
        ? (s as string).slice(0, -(p as string).length)
        : (s as string),
  },
  chomp: { params: [str("str")], impl: ([s]) => (s as string).replace(/(?:\r\n?|\n)*$/, "") },
  indent: {
    params: [
      { name: "spaces", type: "number" },
      { name: "str", type: "string" },
    ],
    impl: ([n, s]) => (s as string).replaceAll("\n", `\n${" ".repeat(Math.max(0, Math.trunc(n as number)))}`),
  },
  join: {
    params: [str("separator")],
    variadic: { name: "lists", type: { list: "string" } },
    impl: ([sep, ...lists]) => {
      if (lists.length === 0) throw new FunctionCallError("at least one list is required");
      const items: string[] = [];
      lists.forEach((l, li) => {
        (l as HclValue[]).forEach((x, i) => {
          if (x === null) throw argError(li + 1, `element ${i} is null`);
          items.push(x as string);
        });
      });
      return items.join(sep as string);
    },
  },
  split: {
    params: [str("separator"), str("str")],
    impl: ([sep, s]) => ((sep as string) === "" ? [...(s as string)] : (s as string).split(sep as string)),
  },
  replace: {
    params: [str("str"), str("substr"), str("replace")],
    impl: ([s, sub, rep]) => {
      const pattern = sub as string;
      if (pattern.length > 1 && pattern.startsWith("/") && pattern.endsWith("/")) {
        return regexReplace(s as string, pattern.slice(1, -1), rep as string);
      }
      return (s as string).replaceAll(pattern, () => rep as string);
    },
  },
  substr: {
    params: [str("str"), { name: "offset", type: "number" }, { name: "length", type: "number" }],
    impl: ([s, o, l]) => substr(s as string, Math.trunc(o as number), Math.trunc(l as number)),
  },
  startswith: {
    params: [str("str"), str("prefix")],
    impl: ([s, p]) => (s as string).startsWith(p as string),
  },
  endswith: {
    params: [str("str"), str("suffix")],
    impl: ([s, p]) => (s as string).endsWith(p as string),
  },
  strcontains: {
    params: [str("str"), str("substr")],
    impl: ([s, p]) => (s as string).includes(p as string),
  },
};
