// Template rendering: quoted strings and heredocs with interpolations and directives, and templatefile().
import type { Node } from "web-tree-sitter";
import { FunctionCallError } from "./errors";
import { all, type Ctx, conditionTruth, evalIn, fail, iterate, withVars } from "./eval-context";
import { firstSyntaxError, parseHcl, sourceOf } from "./parser";
import { buildTemplate, type TemplateMode, type TemplatePart, TemplateSyntaxError } from "./template";
import { type HclValue, isUnknown, toStringValue, UNKNOWN } from "./values";

export function evalTemplateNode(ctx: Ctx, node: Node, mode: TemplateMode): HclValue {
  const kids = all(node);
  let from: number;
  let to: number;
  if (mode === "quoted") {
    from = kids[0]!.endIndex;
    to = kids[kids.length - 1]!.startIndex;
  } else {
    const open = kids.find((k) => k.type === "heredoc_identifier")!;
    const close = kids[kids.length - 1]!;
    from = ctx.source.indexOf("\n", open.endIndex) + 1;
    to = ctx.source.lastIndexOf("\n", close.startIndex - 1) + 1;
    if (to < from) to = from;
  }
  return renderTemplate(ctx, node, from, to, mode);
}

export function renderTemplate(ctx: Ctx, node: Node, from: number, to: number, mode: TemplateMode): HclValue {
  let parts: TemplatePart[];
  try {
    parts = buildTemplate(node, ctx.source, from, to, mode);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw fail(ctx, node, "Invalid escape sequence", e.message);
    throw e;
  }
  // A template that is exactly one interpolation yields the value itself, unconverted (HCL TemplateWrapExpr).
  const only = parts[0];
  if (parts.length === 1 && only?.kind === "interp") return only.expr ? evalIn(ctx, only.expr) : "";
  return renderParts(ctx, parts);
}

export function renderParts(ctx: Ctx, parts: readonly TemplatePart[]): HclValue {
  let out = "";
  let unknown = false;
  for (const part of parts) {
    const piece = renderPart(ctx, part);
    if (isUnknown(piece)) unknown = true;
    else out += piece;
  }
  return unknown ? UNKNOWN : out;
}

export function renderPart(ctx: Ctx, part: TemplatePart): string | typeof UNKNOWN {
  switch (part.kind) {
    case "literal":
      return part.text;
    case "interp": {
      if (!part.expr) return "";
      const v = evalIn(ctx, part.expr);
      if (isUnknown(v)) return UNKNOWN;
      if (v === null) {
        throw fail(
          ctx,
          part.expr,
          "Invalid template interpolation value",
          "The expression result is null. Cannot include a null value in a string template.",
        );
      }
      try {
        return toStringValue(v);
      } catch {
        throw fail(
          ctx,
          part.expr,
          "Invalid template interpolation value",
          `Cannot include the given value in a string template: string required.`,
        );
      }
    }
    case "if": {
      const c = evalIn(ctx, part.cond);
      if (isUnknown(c)) return UNKNOWN;
      const b = conditionTruth(ctx, part.cond, c);
      const r = renderParts(ctx, b ? part.then : part.otherwise);
      return r as string | typeof UNKNOWN;
    }
    case "for": {
      const pairs = iterate(ctx, evalIn(ctx, part.coll), part.coll, "'for' directive");
      if (!pairs) return UNKNOWN;
      let out = "";
      for (const [k, v] of pairs) {
        const inner = withVars(ctx, part.keyVar ? { [part.keyVar]: k, [part.valVar]: v } : { [part.valVar]: v });
        const r = renderParts(inner, part.body);
        if (isUnknown(r)) return UNKNOWN;
        out += r as string;
      }
      return out;
    }
  }
}

/** templatefile(): parse the file's text as a bare template (no backslash escapes, like a heredoc). */
export function renderTemplateFile(ctx: Ctx, path: string, text: string, vars: Record<string, HclValue>): HclValue {
  if (ctx.depth > 8) throw new FunctionCallError("templatefile calls are nested too deeply");
  let marker = "KILN_TEMPLATE_END";
  while (text.includes(marker)) marker += "_";
  const header = `x = <<${marker}\n`;
  const tree = parseHcl(`${header}${text}\n${marker}\n`, path);
  const root = tree.rootNode;
  const heredoc = root.descendantsOfType("heredoc_template")[0];
  if (!heredoc) throw new FunctionCallError(`could not parse ${path} as a template`);
  const inner: Ctx = {
    ...ctx,
    file: path,
    source: sourceOf(heredoc),
    lineOffset: -1,
    vars,
    depth: ctx.depth + 1,
  };
  const bad = firstSyntaxError(root);
  if (bad) throw fail(inner, bad, "Invalid template", `Syntax error near ${JSON.stringify(bad.text.slice(0, 40))}.`);
  return renderTemplate(inner, heredoc, header.length, header.length + text.length, "file");
}
