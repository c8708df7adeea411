// Usage (the template loader):
//   const parser = await loadHclParser();                 // once; from ./parser
//   const tree = parseHcl(text, "build.pkr.hcl");         // the loader walks attribute/block nodes
//   const exprNode = attributeNode.childForFieldName?.("...") ?? attributeNode.namedChildren[1]; // `expression`
//   const value = evaluate(exprNode, {
//     file: "build.pkr.hcl",
//     variables: { var: {...}, local: {...}, path: { root, cwd }, packer: { version } },
//     functions: { allowEnv: false, baseDir: process.cwd() },
//   });                                                    // HclValue; throws ExpressionError with where
//   referencedNames(exprNode)  // ["local.a", "var.b"]: order `locals` by dependency before evaluating.
// Values only known at build time are UNKNOWN (see values.ts); evaluating with them yields UNKNOWN.
import type { Node } from "web-tree-sitter";
import { internalError } from "../../engine/errors";
import { ExpressionError, FunctionArgError, FunctionCallError, locate } from "./errors";
import { FUNCTIONS } from "./functions";
import { type CallContext, convertTo, describeType, type FunctionPolicy, type FunctionTable } from "./functions/types";
import { applyBinary, BINARY_OPERATORS, type BinaryOperator, OperatorError } from "./operators";
import { firstSyntaxError, hclParserIfLoaded, numberText, parseHcl, sourceOf } from "./parser";
import { buildTemplate, type TemplateMode, type TemplatePart, TemplateSyntaxError } from "./template";
import { convertValue, decodeType, type HclType, TypeConversionError, TypeSyntaxError } from "./type-expr";
import {
  ConversionError,
  type HclObject,
  type HclValue,
  hasKey,
  hasUnknown,
  isObject,
  isSet,
  isUnknown,
  makeObject,
  sortedEntries,
  toBoolValue,
  toNumberValue,
  toStringValue,
  typeName,
  UNKNOWN,
  valuesEqual,
} from "./values";

export { ExpressionError } from "./errors";
export type { FunctionPolicy } from "./functions/types";
export { type HclObject, HclUnknown, type HclValue, isUnknown, UNKNOWN } from "./values";

export interface EvalScope {
  /** File name used in error positions. */
  readonly file: string;
  /** Root names: `var`, `local`, `source`, `build`, `path`, `packer`, `data`, `each`, iterator names. */
  readonly variables: Readonly<Record<string, HclValue>>;
  /** What functions may do here (env() allowed, base directory for file functions, clock). */
  readonly functions?: FunctionPolicy;
  /** Added to node line numbers in errors (templatefile() parses its file behind a one-line header). */
  readonly lineOffset?: number;
}

interface Ctx {
  readonly file: string;
  readonly source: string;
  readonly lineOffset: number;
  readonly vars: Readonly<Record<string, HclValue>>;
  readonly policy: FunctionPolicy;
  readonly functions: FunctionTable;
  /** Nesting of templatefile() calls, to stop a template including itself forever. */
  readonly depth: number;
}

/** Evaluates an `expression` node (or any node an expression is made of). */
export function evaluate(node: Node, scope: EvalScope): HclValue {
  const ctx: Ctx = {
    file: scope.file,
    source: sourceOf(node),
    lineOffset: scope.lineOffset ?? 0,
    vars: scope.variables,
    policy: scope.functions ?? {},
    functions: FUNCTIONS,
    depth: 0,
  };
  const bad = firstSyntaxError(node);
  if (bad) throw fail(ctx, bad, "Invalid expression", `Syntax error near ${JSON.stringify(bad.text.slice(0, 40))}.`);
  return evalNode(ctx, node);
}

function fail(ctx: Ctx, node: Node, summary: string, detail: string, cause?: unknown): ExpressionError {
  const where = locate(ctx.file, node);
  return new ExpressionError({ ...where, line: where.line + ctx.lineOffset }, summary, detail, { cause });
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}
function all(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

function evalNode(ctx: Ctx, node: Node): HclValue {
  switch (node.type) {
    case "expression":
    case "operation":
    case "template_expr":
    case "collection_value":
    case "for_expr":
    case "literal_value": {
      const kids = all(node);
      return kids.length === 1 ? evalNode(ctx, kids[0]!) : evalTerm(ctx, kids);
    }
    case "conditional":
      return evalConditional(ctx, node);
    case "numeric_lit":
      return evalNumber(ctx, node);
    case "bool_lit":
      return node.text === "true";
    case "null_lit":
      return null;
    case "string_lit":
    case "quoted_template":
      return evalTemplateNode(ctx, node, "quoted");
    case "heredoc_template":
      return evalTemplateNode(ctx, node, all(node)[0]?.text === "<<-" ? "heredoc-flush" : "heredoc");
    case "tuple":
      return evalTuple(ctx, node);
    case "object":
      return evalObject(ctx, node);
    case "variable_expr":
      return lookupRoot(ctx, node);
    case "function_call":
      return evalCall(ctx, node);
    case "for_tuple_expr":
    case "for_object_expr":
      return evalFor(ctx, node);
    case "unary_operation":
      return evalUnary(ctx, node);
    case "binary_operation":
      return evalBinary(ctx, node);
    case "ERROR":
      throw fail(ctx, node, "Invalid expression", `Syntax error near ${JSON.stringify(node.text.slice(0, 40))}.`);
    default:
      throw fail(ctx, node, "Invalid expression", `Kiln cannot evaluate a ${node.type} node here.`);
  }
}

/**
 * tree-sitter inlines the hidden `_expr_term` rule, so a primary and its traversals (`.a`, `[0]`, `[*]`)
 * arrive as siblings: `(`, expression, `)` or one primary, followed by get_attr/index/splat nodes.
 */
function evalTerm(ctx: Ctx, kids: Node[]): HclValue {
  let rest: Node[];
  let value: HclValue;
  const first = kids[0];
  if (!first) return null;
  if (first.type === "(") {
    value = evalNode(ctx, kids[1]!);
    rest = kids.slice(3);
  } else {
    value = evalNode(ctx, first);
    rest = kids.slice(1);
  }
  return applyTraversals(ctx, value, rest, first);
}

function applyTraversals(ctx: Ctx, start: HclValue, steps: Node[], root: Node): HclValue {
  let value = start;
  for (const step of steps) {
    if (step.type === "splat") {
      const splat = named(step)[0]!;
      value = evalSplat(ctx, value, splat, root);
    } else value = traverse(ctx, value, step, root);
  }
  return value;
}

/** One `.name` or `[key]` / `.0` step. */
function traverse(ctx: Ctx, value: HclValue, step: Node, root: Node): HclValue {
  if (step.type === "get_attr") {
    const name = named(step)[0]!.text;
    return getAttr(ctx, value, name, step, root);
  }
  if (step.type === "index") {
    const inner = named(step)[0]!;
    let key: HclValue;
    if (inner.type === "legacy_index") key = Number(inner.text.slice(1));
    else key = evalNode(ctx, named(inner)[0]!);
    return index(ctx, value, key, step);
  }
  throw fail(ctx, step, "Invalid expression", `Unexpected ${step.type}.`);
}

function getAttr(ctx: Ctx, value: HclValue, name: string, step: Node, root: Node): HclValue {
  if (isUnknown(value)) return UNKNOWN;
  if (value === null) {
    throw fail(
      ctx,
      step,
      "Attempt to get attribute from null value",
      "This value is null, so it does not have any attributes.",
    );
  }
  if (isObject(value)) {
    if (hasKey(value, name)) return value[name] as HclValue;
    const rootName = root.type === "variable_expr" ? root.text : undefined;
    if (rootName === "var" && root.nextSibling?.equals(step)) {
      throw fail(
        ctx,
        step,
        "Reference to undeclared input variable",
        `An input variable with the name "${name}" has not been declared. This variable can be declared with a variable "${name}" {} block.`,
      );
    }
    if (rootName === "local" && root.nextSibling?.equals(step)) {
      throw fail(
        ctx,
        step,
        "Reference to undeclared local value",
        `A local value with the name "${name}" has not been declared.`,
      );
    }
    throw fail(ctx, step, "Unsupported attribute", `This object does not have an attribute named "${name}".`);
  }
  if (Array.isArray(value)) {
    throw fail(
      ctx,
      step,
      "Unsupported attribute",
      `Can't access attributes on a list of objects. Did you mean to access attribute "${name}" for a specific element of the list, or across all elements of the list?`,
    );
  }
  throw fail(
    ctx,
    step,
    "Unsupported attribute",
    `Can't access attributes on a primitive-typed value (${typeName(value)}).`,
  );
}

function index(ctx: Ctx, value: HclValue, key: HclValue, step: Node): HclValue {
  if (isUnknown(value) || isUnknown(key)) return UNKNOWN;
  if (value === null)
    throw fail(ctx, step, "Attempt to index null value", "This value is null, so it does not have any indices.");
  if (key === null) throw fail(ctx, step, "Invalid index", "Can't use a null value as an indexing key.");
  if (isSet(value)) {
    throw fail(
      ctx,
      step,
      "Invalid index",
      "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
    );
  }
  if (Array.isArray(value)) {
    let n: number;
    try {
      n = toNumberValue(key);
    } catch {
      throw fail(
        ctx,
        step,
        "Invalid index",
        "The given key does not identify an element in this collection value: a number is required.",
      );
    }
    if (!Number.isInteger(n) || n < 0 || n >= value.length) {
      throw fail(ctx, step, "Invalid index", "The given key does not identify an element in this collection value.");
    }
    return value[n] as HclValue;
  }
  if (isObject(value)) {
    let k: string;
    try {
      k = toStringValue(key);
    } catch {
      throw fail(
        ctx,
        step,
        "Invalid index",
        "The given key does not identify an element in this collection value: string required.",
      );
    }
    if (!hasKey(value, k)) {
      throw fail(ctx, step, "Invalid index", "The given key does not identify an element in this collection value.");
    }
    return value[k] as HclValue;
  }
  throw fail(ctx, step, "Invalid index", `This value does not have any indices.`);
}

/** `[*]` and `.*`: maps the traversals after it over a list; a non-list is treated as a one-element list. */
function evalSplat(ctx: Ctx, value: HclValue, splat: Node, root: Node): HclValue {
  if (isUnknown(value)) return UNKNOWN;
  const steps = named(splat);
  // The legacy `.*` form only carries attribute steps; an index after it applies to the whole result.
  let perItem = steps;
  let after: Node[] = [];
  if (splat.type === "attr_splat") {
    const cut = steps.findIndex((s) => s.type !== "get_attr");
    if (cut >= 0) {
      perItem = steps.slice(0, cut);
      after = steps.slice(cut);
    }
  }
  const items = value === null ? [] : Array.isArray(value) ? value : [value];
  const mapped = items.map((item) => applyTraversals(ctx, item, perItem, root));
  return applyTraversals(ctx, mapped, after, root);
}

function lookupRoot(ctx: Ctx, node: Node): HclValue {
  const name = node.text;
  if (Object.hasOwn(ctx.vars, name)) return ctx.vars[name] as HclValue;
  throw fail(ctx, node, "Unknown variable", `There is no variable named "${name}".`);
}

function evalNumber(ctx: Ctx, node: Node): number {
  const text = numberText(node);
  if (!/^\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text)) {
    throw fail(ctx, node, "Invalid number literal", `${JSON.stringify(text)} is not a valid number.`);
  }
  return Number(text);
}

function evalConditional(ctx: Ctx, node: Node): HclValue {
  const [condNode, thenNode, elseNode] = named(node);
  const cond = evalNode(ctx, condNode!);
  if (isUnknown(cond)) return UNKNOWN;
  if (cond === null) {
    throw fail(
      ctx,
      condNode!,
      "Null condition",
      "The condition value is null. Conditions must either be true or false.",
    );
  }
  let b: boolean;
  try {
    b = toBoolValue(cond);
  } catch (e) {
    throw fail(
      ctx,
      condNode!,
      "Incorrect condition type",
      `The condition expression must be of type bool: ${(e as Error).message}.`,
    );
  }
  // HCL evaluates both results to unify their types: a number and a string give a string.
  const a = evalNode(ctx, thenNode!);
  const c = evalNode(ctx, elseNode!);
  return unifyPrimitive(b ? a : c, b ? c : a);
}

function unifyPrimitive(chosen: HclValue, other: HclValue): HclValue {
  if (typeof other === "string" && (typeof chosen === "number" || typeof chosen === "boolean")) {
    return toStringValue(chosen);
  }
  return chosen;
}

function evalTuple(ctx: Ctx, node: Node): HclValue[] {
  return named(node)
    .filter((c) => c.type === "expression")
    .map((c) => evalNode(ctx, c));
}

function evalObject(ctx: Ctx, node: Node): HclObject {
  const out: [string, HclValue][] = [];
  for (const elem of named(node).filter((c) => c.type === "object_elem")) {
    const keyNode = elem.childForFieldName("key")!;
    const valNode = elem.childForFieldName("val")!;
    const key = objectKey(ctx, keyNode);
    const val = evalNode(ctx, valNode);
    const at = out.findIndex(([k]) => k === key);
    if (at >= 0) out.splice(at, 1);
    out.push([key, val]);
  }
  return makeObject(out);
}

/** A bare identifier as an object key is a literal name (`{ a = 1 }`), anything else is evaluated. */
function objectKey(ctx: Ctx, keyNode: Node): string {
  const kids = all(keyNode);
  if (kids.length === 1 && kids[0]!.type === "variable_expr") return kids[0]!.text;
  const key = evalNode(ctx, keyNode);
  if (key === null) throw fail(ctx, keyNode, "Null value as key", "Can't use a null value as a key.");
  if (isUnknown(key)) throw fail(ctx, keyNode, "Invalid object key", "The key of an object must be known.");
  try {
    return toStringValue(key);
  } catch {
    throw fail(ctx, keyNode, "Incorrect key type", `Can't use this value as a key: string required.`);
  }
}

function withVars(ctx: Ctx, extra: Record<string, HclValue>): Ctx {
  return { ...ctx, vars: { ...ctx.vars, ...extra } };
}

/** Iteration pairs of a for expression / directive, in cty order. */
function iterate(ctx: Ctx, coll: HclValue, node: Node, what: string): [HclValue, HclValue][] | undefined {
  if (isUnknown(coll)) return undefined;
  if (coll === null) {
    throw fail(ctx, node, "Iteration over null value", `A null value cannot be used as the collection in a ${what}.`);
  }
  // A set's elements are their own keys.
  if (isSet(coll)) return (coll as HclValue[]).map((v) => [v, v]);
  if (Array.isArray(coll)) return coll.map((v, i) => [i, v]);
  if (isObject(coll)) return sortedEntries(coll);
  throw fail(
    ctx,
    node,
    "Iteration over non-iterable value",
    `A value of type ${typeName(coll)} cannot be used as the collection in a ${what}.`,
  );
}

function evalFor(ctx: Ctx, node: Node): HclValue {
  const intro = named(node).find((c) => c.type === "for_intro")!;
  const names = named(intro)
    .filter((c) => c.type === "identifier")
    .map((c) => c.text);
  const collNode = named(intro).find((c) => c.type === "expression")!;
  const [keyVar, valVar] = names.length === 2 ? [names[0], names[1]!] : [undefined, names[0]!];
  const exprs = named(node).filter((c) => c.type === "expression");
  const condNode = named(node).find((c) => c.type === "for_cond");
  const grouping = named(node).some((c) => c.type === "ellipsis");
  const isObjectFor = node.type === "for_object_expr";
  const pairs = iterate(ctx, evalNode(ctx, collNode), collNode, "'for' expression");
  if (!pairs) return UNKNOWN;

  const tuple: HclValue[] = [];
  const obj = new Map<string, HclValue>();
  const groups = new Map<string, HclValue[]>();
  for (const [k, v] of pairs) {
    const inner = withVars(ctx, keyVar ? { [keyVar]: k, [valVar]: v } : { [valVar]: v });
    if (condNode) {
      const condExpr = named(condNode)[0]!;
      const c = evalNode(inner, condExpr);
      if (isUnknown(c)) return UNKNOWN;
      if (c === null) {
        throw fail(ctx, condExpr, "Condition is null", "The value of the 'if' clause must not be null.");
      }
      let keep: boolean;
      try {
        keep = toBoolValue(c);
      } catch (e) {
        throw fail(
          ctx,
          condExpr,
          "Invalid 'for' condition",
          `The 'if' clause value is invalid: ${(e as Error).message}.`,
        );
      }
      if (!keep) continue;
    }
    if (!isObjectFor) {
      tuple.push(evalNode(inner, exprs[0]!));
      continue;
    }
    const keyNode = exprs[0]!;
    const key = evalNode(inner, keyNode);
    if (isUnknown(key)) return UNKNOWN;
    if (key === null) {
      throw fail(
        ctx,
        keyNode,
        "Invalid object key",
        "Key expression in 'for' expression must not produce a null value.",
      );
    }
    let ks: string;
    try {
      ks = toStringValue(key);
    } catch (e) {
      throw fail(
        ctx,
        keyNode,
        "Invalid object key",
        `The key expression produced an invalid result: ${(e as Error).message}.`,
      );
    }
    const val = evalNode(inner, exprs[1]!);
    if (grouping) {
      const g = groups.get(ks);
      if (g) g.push(val);
      else groups.set(ks, [val]);
    } else {
      if (obj.has(ks)) {
        throw fail(
          ctx,
          keyNode,
          "Duplicate object key",
          `Two different items produced the key "${ks}" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.`,
        );
      }
      obj.set(ks, val);
    }
  }
  if (!isObjectFor) return tuple;
  return makeObject(grouping ? groups : obj);
}

function evalUnary(ctx: Ctx, node: Node): HclValue {
  const kids = all(node);
  const op = kids[0]!.type;
  const v = evalTerm(ctx, kids.slice(1));
  if (isUnknown(v)) return UNKNOWN;
  const target = kids[1]!;
  if (v === null) {
    throw fail(
      ctx,
      target,
      "Invalid operand",
      `Unsuitable value for unary operand: ${op === "!" ? "bool" : "number"} required.`,
    );
  }
  try {
    if (op === "!") return !toBoolValue(v);
    const n = toNumberValue(v);
    return n === 0 ? 0 : -n;
  } catch (e) {
    throw fail(ctx, target, "Invalid operand", `Unsuitable value for unary operand: ${(e as Error).message}.`);
  }
}

function evalBinary(ctx: Ctx, node: Node): HclValue {
  const kids = all(node);
  const at = kids.findIndex((k) => !k.isNamed && BINARY_OPERATORS.has(k.type));
  const opNode = kids[at]!;
  const leftKids = kids.slice(0, at);
  const rightKids = kids.slice(at + 1);
  const a = evalTerm(ctx, leftKids);
  const b = evalTerm(ctx, rightKids);
  if (hasUnknown(a) || hasUnknown(b)) return UNKNOWN;
  try {
    return applyBinary(opNode.type as BinaryOperator, a, b);
  } catch (e) {
    if (e instanceof OperatorError) {
      const where = e.side === "left" ? leftKids[0]! : e.side === "right" ? rightKids[0]! : opNode;
      throw fail(ctx, where, e.summary, e.message);
    }
    throw e;
  }
}

// ---- templates ---------------------------------------------------------------------------------------

function evalTemplateNode(ctx: Ctx, node: Node, mode: TemplateMode): HclValue {
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

function renderTemplate(ctx: Ctx, node: Node, from: number, to: number, mode: TemplateMode): HclValue {
  let parts: TemplatePart[];
  try {
    parts = buildTemplate(node, ctx.source, from, to, mode);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) throw fail(ctx, node, "Invalid escape sequence", e.message);
    throw e;
  }
  // A template that is exactly one interpolation yields the value itself, unconverted (HCL TemplateWrapExpr).
  const only = parts[0];
  if (parts.length === 1 && only?.kind === "interp") return only.expr ? evalNode(ctx, only.expr) : "";
  return renderParts(ctx, parts);
}

function renderParts(ctx: Ctx, parts: readonly TemplatePart[]): HclValue {
  let out = "";
  let unknown = false;
  for (const part of parts) {
    const piece = renderPart(ctx, part);
    if (isUnknown(piece)) unknown = true;
    else out += piece;
  }
  return unknown ? UNKNOWN : out;
}

function renderPart(ctx: Ctx, part: TemplatePart): string | typeof UNKNOWN {
  switch (part.kind) {
    case "literal":
      return part.text;
    case "interp": {
      if (!part.expr) return "";
      const v = evalNode(ctx, part.expr);
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
      const c = evalNode(ctx, part.cond);
      if (isUnknown(c)) return UNKNOWN;
      if (c === null) {
        throw fail(
          ctx,
          part.cond,
          "Null condition",
          "The condition value is null. Conditions must either be true or false.",
        );
      }
      let b: boolean;
      try {
        b = toBoolValue(c);
      } catch (e) {
        throw fail(
          ctx,
          part.cond,
          "Incorrect condition type",
          `The condition expression must be of type bool: ${(e as Error).message}.`,
        );
      }
      const r = renderParts(ctx, b ? part.then : part.otherwise);
      return r as string | typeof UNKNOWN;
    }
    case "for": {
      const pairs = iterate(ctx, evalNode(ctx, part.coll), part.coll, "'for' directive");
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
function renderTemplateFile(ctx: Ctx, path: string, text: string, vars: Record<string, HclValue>): HclValue {
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

// ---- function calls ----------------------------------------------------------------------------------

function evalCall(ctx: Ctx, node: Node): HclValue {
  const nameNode = named(node)[0]!;
  const name = nameNode.text;
  const argsNode = named(node).find((c) => c.type === "function_arguments");
  const argNodes = argsNode ? named(argsNode).filter((c) => c.type === "expression") : [];
  const expand = argsNode ? named(argsNode).some((c) => c.type === "ellipsis") : false;

  // try() and can() see errors of their arguments, so they evaluate them lazily.
  if (name === "try" || name === "can") return evalTryCan(ctx, node, name, argNodes);
  if (name === "convert") return evalConvert(ctx, node, argNodes);

  if (name === "env" && !ctx.policy.allowEnv && Object.hasOwn(ctx.functions, "env")) {
    throw fail(
      ctx,
      nameNode,
      "Call to unknown function",
      `There is no function named "env". env() can only be used in the default value of a variable.`,
    );
  }
  const fn = Object.hasOwn(ctx.functions, name) ? ctx.functions[name] : undefined;
  if (!fn) {
    throw fail(ctx, nameNode, "Call to unknown function", `There is no function named "${name}".`);
  }

  let args = argNodes.map((a) => evalNode(ctx, a));
  const argAt: Node[] = [...argNodes];
  if (expand) {
    const last = args.pop();
    const lastNode = argAt.pop()!;
    if (isUnknown(last)) return UNKNOWN;
    if (!Array.isArray(last)) {
      throw fail(
        ctx,
        lastNode,
        "Invalid expanding argument value",
        "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
      );
    }
    args = [...args, ...last];
    for (let i = 0; i < last.length; i++) argAt.push(lastNode);
  }
  const positional = fn.params.length;
  if (args.length < positional || (!fn.variadic && args.length > positional)) {
    const target = args.length > positional ? argAt[positional]! : node;
    const summary = args.length > positional ? "Too many function arguments" : "Not enough function arguments";
    const detail =
      args.length > positional
        ? `Function "${name}" expects only ${positional} argument(s).`
        : `Function "${name}" expects ${positional} argument(s). Missing value for "${fn.params[args.length]!.name}".`;
    throw fail(ctx, target, summary, detail);
  }

  const converted: HclValue[] = [];
  for (let i = 0; i < args.length; i++) {
    const param = i < positional ? fn.params[i]! : fn.variadic!;
    const arg = args[i] as HclValue;
    if (!param.allowUnknown && hasUnknown(arg)) return UNKNOWN;
    if (arg === null && !param.allowNull) {
      throw fail(
        ctx,
        argAt[i]!,
        "Invalid function argument",
        `Invalid value for "${param.name}" parameter: argument must not be null.`,
      );
    }
    try {
      converted.push(convertTo(arg, param.type));
    } catch (e) {
      const why = e instanceof ConversionError ? e.message : `${describeType(param.type)} required`;
      throw fail(ctx, argAt[i]!, "Invalid function argument", `Invalid value for "${param.name}" parameter: ${why}.`);
    }
  }

  const callCtx: CallContext = {
    policy: ctx.policy,
    renderTemplateFile: (path, vars) => {
      const text = (ctx.functions.file!.impl([path], callCtx) as string) ?? "";
      return renderTemplateFile(ctx, path, text, vars);
    },
  };
  try {
    return fn.impl(converted, callCtx);
  } catch (e) {
    if (e instanceof ExpressionError) throw e;
    if (e instanceof FunctionArgError) {
      const i = Math.min(e.argIndex, argAt.length - 1);
      const param = i < positional ? fn.params[i] : fn.variadic;
      throw fail(
        ctx,
        argAt[i] ?? node,
        "Invalid function argument",
        `Invalid value for "${param?.name}" parameter: ${e.message}.`,
        e,
      );
    }
    const message = e instanceof Error ? e.message : String(e);
    throw fail(ctx, node, "Error in function call", `Call to function "${name}" failed: ${message}.`, e);
  }
}

/** `convert(value, type)`: the second argument is a type expression (`list(string)`), read, not evaluated. */
function evalConvert(ctx: Ctx, node: Node, argNodes: Node[]): HclValue {
  if (argNodes.length !== 2) {
    const [summary, detail] =
      argNodes.length > 2
        ? ["Too many function arguments", `Function "convert" expects only 2 argument(s).`]
        : [
            "Not enough function arguments",
            `Function "convert" expects 2 argument(s). Missing value for "${argNodes.length ? "type" : "value"}".`,
          ];
    throw fail(ctx, argNodes[2] ?? node, summary, detail);
  }
  const [valueNode, typeNode] = argNodes as [Node, Node];
  let type: HclType;
  try {
    type = decodeType(typeNode, ctx.file, (n) => evalNode(ctx, n));
  } catch (e) {
    if (!(e instanceof TypeSyntaxError)) throw e;
    const where = { ...e.where, line: e.where.line + ctx.lineOffset };
    throw new ExpressionError(where, "Invalid type specification", e.message);
  }
  const value = evalNode(ctx, valueNode);
  try {
    return convertValue(value, type);
  } catch (e) {
    if (!(e instanceof TypeConversionError)) throw e;
    throw fail(ctx, valueNode, "Invalid function argument", `Invalid value for "value" parameter: ${e.message}.`);
  }
}

function evalTryCan(ctx: Ctx, node: Node, name: string, argNodes: Node[]): HclValue {
  if (name === "can" && argNodes.length !== 1) {
    throw fail(
      ctx,
      node,
      argNodes.length ? "Too many function arguments" : "Not enough function arguments",
      `Function "can" expects 1 argument.`,
    );
  }
  if (name === "try" && argNodes.length === 0) {
    throw fail(ctx, node, "Not enough function arguments", `Function "try" expects at least one argument.`);
  }
  let lastError: ExpressionError | undefined;
  for (const argNode of argNodes) {
    try {
      const v = evalNode(ctx, argNode);
      if (hasUnknown(v)) return UNKNOWN;
      return name === "can" ? true : v;
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      lastError = e;
    }
  }
  if (name === "can") return false;
  throw fail(
    ctx,
    node,
    "Error in function call",
    `Call to function "try" failed: no expression succeeded:\n- ${lastError?.summary} (at ${lastError?.where.file}:${lastError?.where.line},${lastError?.where.column})\n  ${lastError?.detail}\n\nAt least one expression must produce a successful result.`,
  );
}

// ---- references --------------------------------------------------------------------------------------

/**
 * Names an expression reads, as `root.attr` (`local.a`, `var.b`, `path.root`) or `root` when no attribute
 * follows (`each`). Iterator names bound by `for` expressions inside the node are not references.
 */
export function referencedNames(node: Node): string[] {
  const found = new Set<string>();
  const visit = (n: Node, bound: ReadonlySet<string>): void => {
    if (n.type === "variable_expr") {
      const root = n.text;
      if (bound.has(root)) return;
      const next = n.nextSibling;
      const attr = next?.type === "get_attr" ? named(next)[0]?.text : undefined;
      found.add(attr ? `${root}.${attr}` : root);
      return;
    }
    if (n.type === "for_tuple_expr" || n.type === "for_object_expr" || n.type === "template_for") {
      const intro = named(n).find((c) => c.type === "for_intro" || c.type === "template_for_start")!;
      const names = named(intro).filter((c) => c.type === "identifier");
      const coll = named(intro).find((c) => c.type === "expression");
      if (coll) visit(coll, bound);
      const inner = new Set([...bound, ...names.map((c) => c.text)]);
      for (const c of named(n)) if (c !== intro) visit(c, inner);
      return;
    }
    if (n.type === "function_call" && named(n)[0]?.text === "convert") {
      // convert()'s second argument is a type (`list(string)`), whose keywords are not references.
      const args = named(n).find((c) => c.type === "function_arguments");
      const value = args ? named(args).find((c) => c.type === "expression") : undefined;
      if (value) visit(value, bound);
      return;
    }
    if (n.type === "object_elem") {
      // `{ a = x }`: a bare identifier key is a literal name, not a reference.
      const key = n.childForFieldName("key");
      const keyKids = key ? all(key) : [];
      const literalKey = keyKids.length === 1 && keyKids[0]!.type === "variable_expr";
      for (const c of named(n)) if (!(literalKey && c.equals(key!))) visit(c, bound);
      return;
    }
    for (const c of named(n)) visit(c, bound);
  };
  visit(node, new Set());
  return [...found];
}

/** Parses and evaluates a standalone expression (tests, CLI `kiln console`, var-file values from flags). */
export function evaluateExpressionText(text: string, scope: EvalScope): HclValue {
  if (!hclParserIfLoaded()) throw internalError("evaluateExpressionText: call `await loadHclParser()` first");
  const prefix = "x = ";
  const tree = parseHcl(`${prefix}${text}\n`, scope.file);
  const attr = tree.rootNode.descendantsOfType("attribute")[0];
  const expr = attr?.namedChildren.find((c) => c?.type === "expression");
  if (!expr || tree.rootNode.hasError) {
    const bad = firstSyntaxError(tree.rootNode) ?? tree.rootNode;
    const where = locate(scope.file, bad);
    throw new ExpressionError(
      { ...where, column: Math.max(1, (where.column ?? 1) - prefix.length) },
      "Invalid expression",
      `Syntax error near ${JSON.stringify(bad.text.slice(0, 40))}.`,
    );
  }
  try {
    return evaluate(expr, scope);
  } catch (e) {
    // Columns on the first line are shifted by the "x = " prefix.
    if (e instanceof ExpressionError && e.where.line === 1 && e.where.column) {
      throw new ExpressionError({ ...e.where, column: e.where.column - prefix.length }, e.summary, e.detail, {
        cause: e.cause,
      });
    }
    throw e;
  }
}

export { valuesEqual };
