// Encoding functions: base64, JSON, YAML, URL, CSV.
import { FunctionCallError } from "../errors";
import { type HclValue, makeObject } from "../values";
import { jsonDecode, jsonEncode } from "./json";
import type { HclFunction } from "./types";
import { yamlEncode } from "./yaml";
import { yamlDecode } from "./yaml-decode";

const str = (name: string) => ({ name, type: "string" as const });

function base64Decode(s: string): string {
  // Go's StdEncoding is strict: padding required, no whitespace, no URL alphabet.
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    throw new FunctionCallError(`failed to decode base64 data '${s}'`);
  }
  const bytes = Buffer.from(s, "base64");
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (!isValidUtf8(bytes))
    throw new FunctionCallError("the result of decoding the the provided string is not valid UTF-8");
  return text;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Go's url.QueryEscape: unreserved bytes kept, space as "+", everything else %XX (upper-case). */
function queryEscape(s: string): string {
  let out = "";
  for (const b of Buffer.from(s, "utf8")) {
    const ch = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === " ") out += "+";
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** RFC 4180 CSV as Go's encoding/csv reads it (quotes, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  let lineStart = true;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      lineStart = false;
      i++;
    } else if (c === ",") {
      row.push(field);
      field = "";
      lineStart = false;
      i++;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      i++;
      if (!(lineStart && row.length === 0 && field === "")) {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = "";
      lineStart = true;
    } else {
      if (c === '"') throw new FunctionCallError(`parse error on line ${rows.length + 1}: bare " in non-quoted field`);
      field += c;
      lineStart = false;
      i++;
    }
  }
  if (quoted)
    throw new FunctionCallError(`parse error on line ${rows.length + 1}: extraneous or missing " in quoted-field`);
  if (!lineStart || row.length > 0 || field !== "") {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function csvDecode(text: string): HclValue[] {
  const rows = parseCsv(text);
  const header = rows[0];
  if (!header) throw new FunctionCallError("missing header line");
  return rows.slice(1).map((r, n) => {
    if (r.length !== header.length) {
      throw new FunctionCallError(`record on line ${n + 2}: wrong number of fields`);
    }
    return makeObject(header.map((h, i) => [h, r[i] ?? ""]));
  });
}

export const encodingFunctions: Record<string, HclFunction> = {
  base64encode: { params: [str("str")], impl: ([s]) => Buffer.from(s as string, "utf8").toString("base64") },
  base64decode: { params: [str("str")], impl: ([s]) => base64Decode(s as string) },
  jsonencode: {
    params: [{ name: "val", type: "any" }],
    impl: ([v]) => jsonEncode(v as HclValue),
  },
  jsondecode: {
    params: [str("str")],
    impl: ([s]) => {
      try {
        return jsonDecode(s as string);
      } catch (e) {
        throw new FunctionCallError((e as Error).message);
      }
    },
  },
  yamlencode: {
    params: [{ name: "value", type: "any", allowNull: true }],
    impl: ([v]) => yamlEncode(v as HclValue),
  },
  yamldecode: {
    params: [str("src")],
    impl: ([s]) => yamlDecode(s as string),
  },
  urlencode: { params: [str("str")], impl: ([s]) => queryEscape(s as string) },
  csvdecode: { params: [str("str")], impl: ([s]) => csvDecode(s as string) },
};
