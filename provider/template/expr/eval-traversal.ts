// Traversals: a primary followed by `.attr`, `[key]`, `[*]` and `.*`, with HCL's messages for each misuse.
import type { Node } from "web-tree-sitter";
import { type Ctx, evalIn, fail, named } from "./eval-context";
import {
  type HclValue,
  hasKey,
  isObject,
  isSet,
  isUnknown,
  toNumberValue,
  toStringValue,
  typeName,
  UNKNOWN,
} from "./values";

/**
 * tree-sitter inlines the hidden `_expr_term` rule, so a primary and its traversals (`.a`, `[0]`, `[*]`)
 * arrive as siblings: `(`, expression, `)` or one primary, followed by get_attr/index/splat nodes.
 */
export function evalTerm(ctx: Ctx, kids: Node[]): HclValue {
  let rest: Node[];
  let value: HclValue;
  const first = kids[0];
  if (!first) return null;
  if (first.type === "(") {
    value = evalIn(ctx, kids[1]!);
    rest = kids.slice(3);
  } else {
    value = evalIn(ctx, first);
    rest = kids.slice(1);
  }
  return applyTraversals(ctx, value, rest, first);
}

export function applyTraversals(ctx: Ctx, start: HclValue, steps: Node[], root: Node): HclValue {
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
export function traverse(ctx: Ctx, value: HclValue, step: Node, root: Node): HclValue {
  if (step.type === "get_attr") {
    const name = named(step)[0]!.text;
    return getAttr(ctx, value, name, step, root);
  }
  if (step.type === "index") {
    const inner = named(step)[0]!;
    let key: HclValue;
    if (inner.type === "legacy_index") key = Number(inner.text.slice(1));
    else key = evalIn(ctx, named(inner)[0]!);
    return index(ctx, value, key, step);
  }
  throw fail(ctx, step, "Invalid expression", `Unexpected ${step.type}.`);
}

export function getAttr(ctx: Ctx, value: HclValue, name: string, step: Node, root: Node): HclValue {
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

export function index(ctx: Ctx, value: HclValue, key: HclValue, step: Node): HclValue {
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
export function evalSplat(ctx: Ctx, value: HclValue, splat: Node, root: Node): HclValue {
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

export function lookupRoot(ctx: Ctx, node: Node): HclValue {
  const name = node.text;
  if (Object.hasOwn(ctx.vars, name)) return ctx.vars[name] as HclValue;
  throw fail(ctx, node, "Unknown variable", `There is no variable named "${name}".`);
}
