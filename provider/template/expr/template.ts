// Templates ("a ${b} %{if c}d%{endif}", heredocs, template files) rebuilt the way HCL's parser does it:
// tree-sitter's literal nodes drop whitespace, so literals are cut from the source between the markers,
// flattened into one token stream, trimmed for `~` strip markers, flushed for `<<-`, then nested again.
import type { Node } from "web-tree-sitter";
import { KilnError } from "../../engine/errors";

export type TemplatePart =
  | { readonly kind: "literal"; text: string; readonly at: number }
  | { readonly kind: "interp"; readonly expr: Node | undefined; readonly node: Node }
  | {
      readonly kind: "if";
      readonly cond: Node;
      readonly node: Node;
      readonly then: TemplatePart[];
      readonly otherwise: TemplatePart[];
    }
  | {
      readonly kind: "for";
      readonly keyVar: string | undefined;
      readonly valVar: string;
      readonly coll: Node;
      readonly node: Node;
      readonly body: TemplatePart[];
    };

export type TemplateMode = "quoted" | "heredoc" | "heredoc-flush" | "file";

/** A malformed escape in a quoted literal, at a source index. */
/** Code `TEMPLATE_SYNTAX`. */
export class TemplateSyntaxError extends KilnError {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super("TEMPLATE_SYNTAX", message);
  }
}

type Token =
  | { t: "lit"; text: string; at: number }
  | { t: "interp"; node: Node; expr: Node | undefined; open: boolean; close: boolean }
  | { t: "if"; node: Node; cond: Node; open: boolean; close: boolean }
  | { t: "else" | "endif" | "endfor"; node: Node; open: boolean; close: boolean }
  | { t: "for"; node: Node; keyVar: string | undefined; valVar: string; coll: Node; open: boolean; close: boolean };

const MARKERS = new Set([
  "template_interpolation",
  "template_if_intro",
  "template_else_intro",
  "template_if_end",
  "template_for_start",
  "template_for_end",
]);
const CONTAINERS = new Set(["template_directive", "template_if", "template_for"]);

function collectMarkers(node: Node, out: Node[]): void {
  for (const child of node.children) {
    if (!child) continue;
    if (MARKERS.has(child.type)) out.push(child);
    else if (CONTAINERS.has(child.type)) collectMarkers(child, out);
  }
}

function strips(marker: Node): { open: boolean; close: boolean } {
  const kids = marker.children;
  const first = kids[1];
  const last = kids[kids.length - 2];
  const open = first?.type === "strip_marker";
  const close = last?.type === "strip_marker" && (kids.length > 3 || !open);
  return { open, close };
}

function markerToken(marker: Node): Token {
  const { open, close } = strips(marker);
  const expr = marker.namedChildren.find((c) => c?.type === "expression") ?? undefined;
  switch (marker.type) {
    case "template_interpolation":
      return { t: "interp", node: marker, expr, open, close };
    case "template_if_intro":
      return { t: "if", node: marker, cond: expr!, open, close };
    case "template_for_start": {
      const names = marker.namedChildren.filter((c) => c?.type === "identifier").map((c) => c!.text);
      const [a, b] = names;
      return b === undefined
        ? { t: "for", node: marker, keyVar: undefined, valVar: a ?? "", coll: expr!, open, close }
        : { t: "for", node: marker, keyVar: a, valVar: b, coll: expr!, open, close };
    }
    case "template_else_intro":
      return { t: "else", node: marker, open, close };
    case "template_if_end":
      return { t: "endif", node: marker, open, close };
    default:
      return { t: "endfor", node: marker, open, close };
  }
}

/** Unescapes a quoted-string literal chunk (HCL ParseStringLiteralToken). */
export function unescapeQuoted(raw: string, at: number): string {
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "\\") {
      const e = raw[i + 1];
      switch (e) {
        case "n":
          out += "\n";
          i++;
          continue;
        case "r":
          out += "\r";
          i++;
          continue;
        case "t":
          out += "\t";
          i++;
          continue;
        case '"':
          out += '"';
          i++;
          continue;
        case "\\":
          out += "\\";
          i++;
          continue;
        case "u":
        case "U": {
          const len = e === "u" ? 4 : 8;
          const hex = raw.slice(i + 2, i + 2 + len);
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) {
            throw new TemplateSyntaxError(
              at + i,
              `Invalid escape sequence: \\${e} must be followed by ${len} hex digits`,
            );
          }
          const cp = Number.parseInt(hex, 16);
          if (cp > 0x10ffff) throw new TemplateSyntaxError(at + i, "Invalid escape sequence: not a Unicode character");
          out += String.fromCodePoint(cp);
          i += 1 + len;
          continue;
        }
        default:
          throw new TemplateSyntaxError(
            at + i,
            `Invalid escape sequence: The symbol ${JSON.stringify(e ?? "")} is not a valid escape sequence selector.`,
          );
      }
    }
    out += c;
  }
  return unescapeTemplateMarkers(out);
}

/** `$${` and `%%{` stand for literal `${` and `%{` in every kind of template. */
export function unescapeTemplateMarkers(s: string): string {
  return s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}

function literalTokens(raw: string, at: number, mode: TemplateMode): Token[] {
  if (raw === "") return [];
  if (mode === "quoted") return [{ t: "lit", text: unescapeQuoted(raw, at), at }];
  // Heredocs and template files: HCL's scanner emits one literal token per line.
  const out: Token[] = [];
  let start = 0;
  while (start < raw.length) {
    const nl = raw.indexOf("\n", start);
    const end = nl < 0 ? raw.length : nl + 1;
    out.push({ t: "lit", text: unescapeTemplateMarkers(raw.slice(start, end)), at: at + start });
    start = end;
  }
  return out;
}

/** HCL's flush rule for `<<-`: strip the smallest leading-space count of non-blank lines from every line. */
function flush(tokens: Token[]): void {
  let min = Number.POSITIVE_INFINITY;
  let newline = true;
  const adjust: { t: "lit"; text: string }[] = [];
  for (const tok of tokens) {
    if (newline) {
      newline = false;
      let spaces = 0;
      if (tok.t === "lit") {
        const trimmed = tok.text.replace(/^\s+/u, "");
        if (trimmed === "" && tok.text.endsWith("\n")) spaces = Number.POSITIVE_INFINITY;
        else {
          spaces = [...tok.text.slice(0, tok.text.length - trimmed.length)].length;
          adjust.push(tok);
        }
      }
      if (spaces < min) min = spaces;
    }
    if (tok.t === "lit" && tok.text.endsWith("\n")) newline = true;
  }
  if (!Number.isFinite(min)) return;
  for (const tok of adjust) tok.text = [...tok.text].slice(min).join("");
}

/**
 * Builds the template parts between source indices [from, to) of a quoted_template, heredoc_template or
 * string_lit node.
 */
export function buildTemplate(
  container: Node,
  source: string,
  from: number,
  to: number,
  mode: TemplateMode,
): TemplatePart[] {
  const markers: Node[] = [];
  collectMarkers(container, markers);
  const tokens: Token[] = [];
  let pos = from;
  for (const m of markers) {
    if (m.startIndex < from || m.endIndex > to) continue;
    tokens.push(...literalTokens(source.slice(pos, m.startIndex), pos, mode));
    tokens.push(markerToken(m));
    pos = m.endIndex;
  }
  tokens.push(...literalTokens(source.slice(pos, to), pos, mode));

  // Strip markers: `~` after the opener trims the literal just before, `~` before the closer the one after.
  let ltrimNext = false;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.t === "lit") {
      if (ltrimNext) tok.text = tok.text.replace(/^\s+/u, "");
      ltrimNext = false;
      continue;
    }
    const prev = tokens[i - 1];
    if (tok.open && prev?.t === "lit") prev.text = prev.text.replace(/\s+$/u, "");
    ltrimNext = tok.close;
  }
  if (mode === "heredoc-flush") flush(tokens);

  let index = 0;
  const parseSeq = (until: ReadonlySet<string>): TemplatePart[] => {
    const parts: TemplatePart[] = [];
    while (index < tokens.length) {
      const tok = tokens[index]!;
      if (until.has(tok.t)) return parts;
      index++;
      switch (tok.t) {
        case "lit": {
          const last = parts[parts.length - 1];
          if (last?.kind === "literal") last.text += tok.text;
          else parts.push({ kind: "literal", text: tok.text, at: tok.at });
          break;
        }
        case "interp":
          parts.push({ kind: "interp", expr: tok.expr, node: tok.node });
          break;
        case "if": {
          const then = parseSeq(new Set(["else", "endif"]));
          let otherwise: TemplatePart[] = [];
          if (tokens[index]?.t === "else") {
            index++;
            otherwise = parseSeq(new Set(["endif"]));
          }
          index++; // endif
          parts.push({ kind: "if", cond: tok.cond, node: tok.node, then, otherwise });
          break;
        }
        case "for": {
          const body = parseSeq(new Set(["endfor"]));
          index++; // endfor
          parts.push({ kind: "for", keyVar: tok.keyVar, valVar: tok.valVar, coll: tok.coll, node: tok.node, body });
          break;
        }
        default:
          // A stray else/endif/endfor: tree-sitter reports these as syntax errors before we get here.
          break;
      }
    }
    return parts;
  };
  return parseSeq(new Set());
}
