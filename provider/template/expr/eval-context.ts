// The evaluation context shared by the evaluator's modules, and the helpers they all use.
import type { Node } from "web-tree-sitter";
import { ExpressionError, locate } from "./errors";
import type { FunctionPolicy, FunctionTable } from "./functions/types";
import { type HclValue, isObject, isSet, isUnknown, sortedEntries, toBoolValue, typeName } from "./values";

/** What evaluation carries down the tree. `evalNode` lets the template and call modules recurse without importing the evaluator (no import cycle). */
export interface Ctx {
  readonly file: string;
  readonly source: string;
  readonly lineOffset: number;
  readonly vars: Readonly<Record<string, HclValue>>;
  readonly policy: FunctionPolicy;
  readonly functions: FunctionTable;
  /** Nesting of templatefile() calls, to stop a template including itself forever. */
  readonly depth: number;
  readonly evalNode: (ctx: Ctx, node: Node) => HclValue;
}

/** Evaluates a sub-expression in `ctx`. */
export function evalIn(ctx: Ctx, node: Node): HclValue {
  return ctx.evalNode(ctx, node);
}

export function fail(ctx: Ctx, node: Node, summary: string, detail: string, cause?: unknown): ExpressionError {
  const where = locate(ctx.file, node);
  return new ExpressionError({ ...where, line: where.line + ctx.lineOffset }, summary, detail, { cause });
}

export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}
export function all(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

export function withVars(ctx: Ctx, extra: Record<string, HclValue>): Ctx {
  return { ...ctx, vars: { ...ctx.vars, ...extra } };
}

/** Iteration pairs of a for expression / directive, in cty order. */
export function iterate(ctx: Ctx, coll: HclValue, node: Node, what: string): [HclValue, HclValue][] | undefined {
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

/** A known condition's truth, as `? :` and `%{if}` read it: null and non-bool values fail at `node`. */
export function conditionTruth(ctx: Ctx, node: Node, value: HclValue): boolean {
  if (value === null) {
    throw fail(ctx, node, "Null condition", "The condition value is null. Conditions must either be true or false.");
  }
  try {
    return toBoolValue(value);
  } catch (e) {
    throw fail(
      ctx,
      node,
      "Incorrect condition type",
      `The condition expression must be of type bool: ${(e as Error).message}.`,
    );
  }
}
