import { KilnError } from "../../engine/errors";
/**
 * Tokenizer and parser for the `{{ … }}` actions of Go's text/template, as far as Packer's legacy
 * interpolation uses them: function calls with string, number and bool arguments, parenthesised
 * sub-pipelines and `|` pipelines. Actions that use template data (`{{ .Path }}`), variables or control
 * keywords belong to the plugin that renders them later, so they are kept verbatim (`kind: "keep"`).
 */

export type Operand =
  | { kind: "call"; name: string; offset: number }
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "pipeline"; pipeline: Pipeline };

/** One command: a function name followed by its arguments, or a lone literal. */
export type Command = readonly Operand[];
export type Pipeline = readonly Command[];

export type Segment =
  | { kind: "text"; text: string }
  | { kind: "action"; pipeline: Pipeline; source: string; offset: number }
  | { kind: "keep"; source: string };

/** Code `TEMPLATE_SYNTAX`. */
export class GoTemplateSyntaxError extends KilnError {
  constructor(
    message: string,
    /** Offset in the template text where the problem is. */
    readonly offset: number,
  ) {
    super("TEMPLATE_SYNTAX", message);
  }
}

const CONTROL = new Set(["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"]);

type Token =
  | { t: "ident"; v: string; at: number }
  | { t: "string"; v: string; at: number }
  | { t: "number"; v: number; at: number }
  | { t: "data"; at: number } // `.Field`, `.`, `$x`: template data the plugin supplies
  | { t: "(" | ")" | "|"; at: number };

/** Splits template text into literal text and actions, applying `{{-`/`-}}` whitespace trimming. */
export function parseGoTemplate(text: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  let trimNext = false;
  for (;;) {
    const open = text.indexOf("{{", pos);
    let literal = text.slice(pos, open === -1 ? text.length : open);
    if (trimNext) literal = literal.replace(/^\s+/, "");
    if (open === -1) {
      if (literal) segments.push({ kind: "text", text: literal });
      return segments;
    }
    const trimBefore = /^\{\{- /.test(text.slice(open, open + 4)) || /^\{\{-[\t\r\n]/.test(text.slice(open, open + 4));
    if (trimBefore) literal = literal.replace(/\s+$/, "");
    if (literal) segments.push({ kind: "text", text: literal });

    const innerStart = open + (trimBefore ? 3 : 2);
    const close = findClose(text, innerStart);
    if (close === -1) throw new GoTemplateSyntaxError('unclosed action: "{{" without a matching "}}"', open);
    const trimAfter = /[ \t\r\n]-$/.test(text.slice(close - 2, close));
    const inner = text.slice(innerStart, trimAfter ? close - 2 : close);
    const source = text.slice(open, close + 2);
    pos = close + 2;
    trimNext = trimAfter;

    if (/^\s*\/\*[\s\S]*\*\/\s*$/.test(inner)) continue; // a comment renders as nothing
    const tokens = tokenize(inner, innerStart);
    if (tokens.some((tok) => tok.t === "data" || (tok.t === "ident" && CONTROL.has(tok.v)))) {
      segments.push({ kind: "keep", source });
      continue;
    }
    segments.push({ kind: "action", pipeline: new Parser(tokens, open).pipeline(true), source, offset: open });
  }
}

/** The `}}` that ends the action starting at `from`, skipping quoted strings that may contain `}}`. */
function findClose(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "`" || c === "'") {
      const end = skipQuoted(text, i);
      if (end === -1) return -1;
      i = end;
    } else if (c === "}" && text[i + 1] === "}") {
      return i;
    }
  }
  return -1;
}

/** Index of the closing quote of the quoted text starting at `start`, or -1. */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote !== "`" && text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

const GO_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

function unquote(raw: string, at: number): string {
  if (raw.startsWith("`")) return raw.slice(1, -1);
  const body = raw.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, e: string) => {
    if (/^[xuU]/.test(e)) return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    if (/^[0-7]{3}$/.test(e)) return String.fromCodePoint(Number.parseInt(e, 8));
    const mapped = GO_ESCAPES[e];
    if (mapped === undefined) throw new GoTemplateSyntaxError(`invalid escape "\\${e}" in string`, at);
    return mapped;
  });
}

function tokenize(inner: string, base: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < inner.length) {
    const c = inner[i] as string;
    const at = base + i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "(" || c === ")" || c === "|") {
      tokens.push({ t: c, at });
      i++;
    } else if (c === '"' || c === "`") {
      const end = skipQuoted(inner, i);
      if (end === -1) throw new GoTemplateSyntaxError("unterminated string", at);
      tokens.push({ t: "string", v: unquote(inner.slice(i, end + 1), at), at });
      i = end + 1;
    } else if (c === "'") {
      const end = skipQuoted(inner, i);
      if (end === -1) throw new GoTemplateSyntaxError("unterminated character constant", at);
      tokens.push({ t: "number", v: unquote(`"${inner.slice(i + 1, end)}"`, at).codePointAt(0) ?? 0, at });
      i = end + 1;
    } else if (c === "." || c === "$") {
      const match = /^[.$][A-Za-z0-9_.]*/.exec(inner.slice(i)) as RegExpExecArray;
      tokens.push({ t: "data", at });
      i += match[0].length;
    } else if (/[-+0-9]/.test(c)) {
      const match = /^[-+]?(?:0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+(?:[eE][-+]?[0-9]+)?)/.exec(inner.slice(i));
      if (!match?.[0].replace(/^[-+]/, "")) throw new GoTemplateSyntaxError(`unexpected "${c}"`, at);
      tokens.push({ t: "number", v: Number(match[0].replaceAll("_", "")), at });
      i += match[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(inner.slice(i)) as RegExpExecArray;
      tokens.push({ t: "ident", v: match[0], at });
      i += match[0].length;
    } else {
      throw new GoTemplateSyntaxError(`unexpected "${c}" in action`, at);
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly actionAt: number,
  ) {}

  pipeline(top: boolean): Pipeline {
    const commands: Command[] = [];
    for (;;) {
      const command: Operand[] = [];
      for (;;) {
        const tok = this.tokens[this.i];
        if (!tok || tok.t === "|" || tok.t === ")") break;
        this.i++;
        command.push(this.operand(tok));
      }
      const at = this.tokens[this.i]?.at ?? this.actionAt;
      if (command.length === 0) throw new GoTemplateSyntaxError("missing command in action", at);
      commands.push(command);
      const next = this.tokens[this.i];
      if (next?.t === "|") {
        this.i++;
        continue;
      }
      if (next?.t === ")" && top) throw new GoTemplateSyntaxError('unexpected ")" in action', next.at);
      return commands;
    }
  }

  private operand(tok: Token): Operand {
    switch (tok.t) {
      case "string":
        return { kind: "string", value: tok.v };
      case "number":
        return { kind: "number", value: tok.v };
      case "ident":
        if (tok.v === "true" || tok.v === "false") return { kind: "bool", value: tok.v === "true" };
        return { kind: "call", name: tok.v, offset: tok.at };
      case "(": {
        const pipeline = this.pipeline(false);
        if (this.tokens[this.i]?.t !== ")") throw new GoTemplateSyntaxError('unclosed "(" in action', tok.at);
        this.i++;
        return { kind: "pipeline", pipeline };
      }
      default:
        throw new GoTemplateSyntaxError(`unexpected "${tok.t}" in action`, tok.at);
    }
  }
}
