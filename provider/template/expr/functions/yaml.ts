// yamlencode as Packer produces it (go-yaml v2 emitter driven by ctyyaml): every string double-quoted
// except multi-line ones (literal block `|`), keys sorted and quoted, block style, a "..." document end
// after a plain scalar root, and double-quoted strings folded at a space past column 80.
import { FunctionCallError } from "../errors";
import { formatNumber, type HclValue, isObject, isUnknown, sortedEntries } from "../values";

const BEST_WIDTH = 80;

function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    c === 0x85 ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}
const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029;

const ESCAPES: Record<number, string> = {
  0: "0",
  7: "a",
  8: "b",
  9: "t",
  10: "n",
  11: "v",
  12: "f",
  13: "r",
  27: "e",
  34: '"',
  92: "\\",
  133: "N",
  160: "_",
  8232: "L",
  8233: "P",
};

/** Double-quoted scalar starting at `column`; continuation lines are indented by `indent`. */
function doubleQuoted(s: string, column: number, indent: number, allowBreaks: boolean): string {
  let out = '"';
  let col = column + 1;
  let spaces = false;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const c = ch.codePointAt(0)!;
    if (!isPrintable(c) || c === 0xfeff || isBreak(c) || ch === '"' || ch === "\\") {
      const e = ESCAPES[c];
      let esc: string;
      if (e !== undefined) esc = `\\${e}`;
      else if (c <= 0xff) esc = `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`;
      else if (c <= 0xffff) esc = `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
      else esc = `\\U${c.toString(16).toUpperCase().padStart(8, "0")}`;
      out += esc;
      col += esc.length;
      spaces = false;
    } else if (ch === " ") {
      if (allowBreaks && !spaces && col > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
        out += `\n${" ".repeat(indent)}`;
        col = indent;
        if (chars[i + 1] === " ") {
          out += "\\";
          col++;
        }
      } else {
        out += " ";
        col++;
      }
      spaces = true;
    } else {
      out += ch;
      col++;
      spaces = false;
    }
  }
  return `${out}"`;
}

/** Whether go-yaml allows a literal block for this text (no trailing spaces, no space before a break, printable). */
function blockAllowed(s: string): boolean {
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!.codePointAt(0)!;
    if ((!isPrintable(c) && c !== 0x09) || c === 0xfeff) return false;
    const next = chars[i + 1];
    if (chars[i] === " " && (next === undefined || isBreak(next.codePointAt(0)!))) return false;
  }
  return true;
}

function literalBlock(s: string, indent: number): string {
  let header = "|";
  if (s.startsWith(" ") || s.startsWith("\n")) header += "2";
  if (!s.endsWith("\n")) header += "-";
  else if (s.length === 1 || s.endsWith("\n\n")) header += "+";
  const body = s.endsWith("\n") ? s.slice(0, -1) : s;
  const lines = body.split("\n").map((l) => (l === "" ? "" : " ".repeat(indent) + l));
  return `${header}\n${lines.join("\n")}`;
}

/** A scalar's text at `column`, with `indent` the indentation of continuation lines. */
function scalar(v: HclValue, column: number, indent: number): { text: string; plain: boolean } {
  if (v === null) return { text: "null", plain: true };
  if (typeof v === "boolean") return { text: v ? "true" : "false", plain: true };
  if (typeof v === "number") return { text: formatNumber(v), plain: true };
  const s = v as string;
  if (s.includes("\n") && blockAllowed(s)) return { text: literalBlock(s, indent), plain: false };
  return { text: doubleQuoted(s, column, indent, true), plain: false };
}

function isEmptyCollection(v: HclValue): boolean {
  return (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/** Lines of a block node whose first line starts at `column` (after "- " or at a line start) with block indent `indent`. */
function block(v: HclValue, indent: number, column: number): string {
  if (Array.isArray(v)) {
    return v
      .map((item, i) => {
        const pad = i === 0 ? "" : " ".repeat(indent);
        return `${pad}- ${node(item, indent + 2, (i === 0 ? column : indent) + 2, true)}`;
      })
      .join("\n");
  }
  return sortedEntries(v as Record<string, HclValue>)
    .map(([k, item], i) => {
      const pad = i === 0 ? "" : " ".repeat(indent);
      const keyText = doubleQuoted(k, 0, 0, false);
      const keyColumn = (i === 0 ? column : indent) + keyText.length + 2;
      if (!isEmptyCollection(item) && (Array.isArray(item) || isObject(item))) {
        // go-yaml indents a mapping under its key but writes a sequence at the key's own indentation.
        const childIndent = Array.isArray(item) ? indent : indent + 2;
        return `${pad}${keyText}:\n${" ".repeat(childIndent)}${block(item, childIndent, childIndent)}`;
      }
      return `${pad}${keyText}: ${node(item, indent + 2, keyColumn, false)}`;
    })
    .join("\n");
}

function node(v: HclValue, indent: number, column: number, inSequence: boolean): string {
  if (isUnknown(v)) throw new FunctionCallError("value is not known");
  if (Array.isArray(v) || isObject(v)) {
    if (isEmptyCollection(v)) return Array.isArray(v) ? "[]" : "{}";
    // In a sequence item a nested collection starts on the "- " line.
    void inSequence;
    return block(v, indent, column);
  }
  return scalar(v, column, indent).text;
}

export function yamlEncode(v: HclValue): string {
  if (isUnknown(v)) throw new FunctionCallError("value is not known");
  if ((Array.isArray(v) || isObject(v)) && !isEmptyCollection(v)) return `${block(v, 0, 0)}\n`;
  if (isEmptyCollection(v)) return `${Array.isArray(v) ? "[]" : "{}"}\n`;
  const { text, plain } = scalar(v, 0, 2);
  return plain ? `${text}\n...\n` : `${text}\n`;
}
