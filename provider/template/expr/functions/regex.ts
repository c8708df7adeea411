// Go RE2 patterns on JS RegExp: the common RE2 spellings are translated ((?P<n>…), leading (?i)/(?s)/(?m),
// \A, \z, \pL); anything JS cannot express is reported as an invalid pattern rather than guessed.
import { FunctionCallError } from "../errors";
import { type HclValue, makeObject } from "../values";
import type { HclFunction } from "./types";

export function compileGoRegex(pattern: string, global = false): RegExp {
  let src = pattern;
  let flags = "u";
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1]!.includes("U"))
      throw new FunctionCallError("invalid regexp pattern: the (?U) flag is not supported by Kiln");
    for (const f of lead[1]!) if (!flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  src = src
    .replace(/\(\?P</g, "(?<")
    .replace(/\\A/g, "^")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\\p([A-Za-z])/g, "\\p{$1}")
    .replace(/\\P([A-Za-z])/g, "\\P{$1}");
  // RE2 `^`/`$` only anchor at the text edges unless (?m); JS behaves the same without the m flag.
  try {
    return new RegExp(src, global ? `${flags}g` : flags);
  } catch (e) {
    throw new FunctionCallError(
      `invalid regexp pattern: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}`,
    );
  }
}

function groupNames(re: RegExp): { count: number; names: (string | undefined)[] } {
  // Count capturing groups by matching an always-matching alternative.
  const probe = new RegExp(`${re.source}|`, re.flags.replace("g", ""));
  const m = probe.exec("")!;
  const count = m.length - 1;
  const names: (string | undefined)[] = new Array(count).fill(undefined);
  // Named groups appear in source order; map each `(?<name>` to its capture index.
  let index = 0;
  const src = re.source;
  for (let i = 0; i < src.length; i++) {
    if (src[i] === "\\") {
      i++;
      continue;
    }
    if (src[i] === "[") {
      // Skip character classes: parentheses inside them do not capture.
      i++;
      while (i < src.length && src[i] !== "]") {
        if (src[i] === "\\") i++;
        i++;
      }
      continue;
    }
    if (src[i] !== "(") continue;
    if (src[i + 1] !== "?") {
      index++;
      continue;
    }
    const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(src.slice(i));
    if (named) names[index++] = named[1];
  }
  return { count, names };
}

function resultShape(re: RegExp): "string" | "tuple" | "object" {
  const { count, names } = groupNames(re);
  if (count === 0) return "string";
  const namedCount = names.filter((n) => n !== undefined).length;
  if (namedCount > 0 && namedCount < count) {
    throw new FunctionCallError("invalid regexp pattern: cannot mix both named and unnamed capture groups");
  }
  return namedCount > 0 ? "object" : "tuple";
}

function matchResult(re: RegExp, m: RegExpExecArray, shape: "string" | "tuple" | "object"): HclValue {
  if (shape === "string") return m[0];
  if (shape === "tuple") return m.slice(1).map((g) => g ?? null);
  const { names } = groupNames(re);
  return makeObject(names.map((n, i) => [n ?? String(i), m[i + 1] ?? null]));
}

export function regexFirst(pattern: string, str: string): HclValue {
  const re = compileGoRegex(pattern);
  const shape = resultShape(re);
  const m = re.exec(str);
  if (!m) throw new FunctionCallError("pattern did not match any part of the given string");
  return matchResult(re, m, shape);
}

export function regexAll(pattern: string, str: string): HclValue[] {
  const re = compileGoRegex(pattern, true);
  const shape = resultShape(re);
  return [...str.matchAll(re)].map((m) => matchResult(re, m, shape));
}

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$; `$name` takes the longest word run. */
function expand(template: string, m: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== "$") {
      out += c;
      continue;
    }
    const rest = template.slice(i + 1);
    if (rest.startsWith("$")) {
      out += "$";
      i++;
      continue;
    }
    const brace = /^\{([A-Za-z0-9_]+)\}/.exec(rest);
    const bare = /^[A-Za-z0-9_]+/.exec(rest);
    const name = brace ? brace[1]! : bare ? bare[0] : undefined;
    if (name === undefined) {
      out += "$";
      continue;
    }
    i += brace ? brace[0].length : name.length;
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? "";
    else out += m.groups?.[name] ?? "";
  }
  return out;
}

export function regexReplace(str: string, pattern: string, replacement: string): string {
  const re = compileGoRegex(pattern, true);
  return str.replace(re, (...args) => {
    // Rebuild an exec-like array from replace()'s arguments for expand().
    const hasGroups = typeof args[args.length - 1] === "object";
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string>) : undefined;
    const captures = args.slice(0, hasGroups ? -3 : -2) as string[];
    const m = Object.assign(captures, { groups, index: 0, input: str }) as unknown as RegExpExecArray;
    return expand(replacement, m);
  });
}

export const regexFunctions: Record<string, HclFunction> = {
  regex: {
    params: [
      { name: "pattern", type: "string" },
      { name: "string", type: "string" },
    ],
    impl: ([p, s]) => regexFirst(p as string, s as string),
  },
  regexall: {
    params: [
      { name: "pattern", type: "string" },
      { name: "string", type: "string" },
    ],
    impl: ([p, s]) => regexAll(p as string, s as string),
  },
  regex_replace: {
    params: [
      { name: "str", type: "string" },
      { name: "substr", type: "string" },
      { name: "replace", type: "string" },
    ],
    impl: ([s, p, r]) => regexReplace(s as string, p as string, r as string),
  },
};
