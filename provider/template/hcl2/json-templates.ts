/**
 * `.pkr.json` text made readable by the HCL native parser. In HCL's JSON syntax a string value is first
 * JSON-decoded, then read as a template; the native parser instead reads the raw literal as a quoted
 * template, which differs where JSON escapes meet template sequences: `"${join(\",\", var.l)}"` (an
 * escaped quote inside `${}`, as `packer hcl2_upgrade` writes) and `\/`, `\b`, `\f` (escapes HCL lacks).
 * Only such literals are rewritten, to the quoted template that means what the JSON means, on the same
 * line; every other byte is kept, so positions stay exact elsewhere.
 */
export function hclReadableJson(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') {
      out += text[i++];
      continue;
    }
    const end = literalEnd(text, i);
    const literal = text.slice(i, end);
    out += isKey(text, end) || !needsRewrite(literal) ? literal : quotedTemplate(JSON.parse(literal) as string);
    i = end;
  }
  return out;
}

/** Index just past the JSON string literal starting at `start`. */
function literalEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

function isKey(text: string, end: number): boolean {
  return /^\s*:/.test(text.slice(end, end + 64));
}

/** Escapes HCL lacks, or any escape inside a `${…}`/`%{…}` sequence, change meaning when read as HCL. */
function needsRewrite(literal: string): boolean {
  if (/\\[/bf]/.test(literal)) return true;
  if (!literal.includes("\\")) return false;
  return /[$%]\{[^}]*\\/.test(literal);
}

/** A quoted HCL template whose value is the template `content` (already JSON-decoded). */
export function quotedTemplate(content: string): string {
  let out = '"';
  let i = 0;
  while (i < content.length) {
    const c = content[i] as string;
    const next = content[i + 1];
    if ((c === "$" || c === "%") && next === c && content[i + 2] === "{") {
      out += `${c}${c}{`; // an escaped sequence start stays escaped
      i += 3;
    } else if ((c === "$" || c === "%") && next === "{") {
      const end = sequenceEnd(content, i + 2);
      out += content.slice(i, end).replace(/[\r\n]/g, " ");
      i = end;
    } else {
      out += escapeChar(c);
      i++;
    }
  }
  return `${out}"`;
}

function escapeChar(c: string): string {
  switch (c) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "\n":
      return "\\n";
    case "\r":
      return "\\r";
    case "\t":
      return "\\t";
    default:
      return c < " " ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c;
  }
}

/**
 * Index just past the `}` closing a template sequence whose body starts at `start`: braces are counted,
 * and quoted strings inside the expression (with their escapes and own sequences) are skipped.
 */
function sequenceEnd(content: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < content.length) {
    const c = content[i];
    if (c === '"') i = nestedStringEnd(content, i);
    else if (c === "{") {
      depth++;
      i++;
    } else if (c === "}") {
      if (depth === 0) return i + 1;
      depth--;
      i++;
    } else i++;
  }
  return content.length;
}

function nestedStringEnd(content: string, start: number): number {
  let i = start + 1;
  while (i < content.length && content[i] !== '"') {
    if (content[i] === "\\") i += 2;
    else if ((content[i] === "$" || content[i] === "%") && content[i + 1] === "{") i = sequenceEnd(content, i + 2);
    else i++;
  }
  return i + 1;
}
