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
import { ExpressionError, locate } from "./errors";
import { evalCall } from "./eval-calls";
import { all, type Ctx, conditionTruth, fail, iterate, named, withVars } from "./eval-context";
import { evalTemplateNode } from "./eval-templates";
import { evalTerm, lookupRoot } from "./eval-traversal";
import { FUNCTIONS } from "./functions";
import type { FunctionPolicy } from "./functions/types";
import { applyBinary, BINARY_OPERATORS, type BinaryOperator, OperatorError } from "./operators";
import { firstSyntaxError, hclParserIfLoaded, numberText, parseHcl, sourceOf } from "./parser";
import {
  type HclObject,
  type HclValue,
  hasUnknown,
  isUnknown,
  makeObject,
  toBoolValue,
  toNumberValue,
  toStringValue,
  UNKNOWN,
  valuesEqual,
} from "./values";

export { ExpressionError } from "./errors";
export type { FunctionPolicy } from "./functions/types";
export { referencedNames } from "./references";
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
    evalNode,
  };
  const bad = firstSyntaxError(node);
  if (bad) throw fail(ctx, bad, "Invalid expression", `Syntax error near ${JSON.stringify(bad.text.slice(0, 40))}.`);
  return evalNode(ctx, node);
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
  const b = conditionTruth(ctx, condNode!, cond);
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
