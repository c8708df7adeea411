import type { Node } from "web-tree-sitter";
import type { SourceLocation } from "../../engine/errors";
import { deferredBuildData, isBuildDataKey } from "../build-data";
import {
  type EvalScope,
  ExpressionError,
  evaluate,
  type FunctionPolicy,
  type HclObject,
  type HclValue,
  isUnknown,
  referencedNames,
} from "../expr/evaluate";
import type { Problems } from "../problems";
import type { HclAttribute } from "./body";

/** Returned instead of a value when evaluation failed; the problem is already recorded. */
export const FAILED: unique symbol = Symbol("failed");
export type Evaluated = HclValue | typeof FAILED;

export type Variables = Readonly<Record<string, HclValue>>;

/**
 * Evaluates expressions for the loader: runs the evaluator with the right root names, records its
 * errors as problems naming the block and field, and fills `build.<Key>` references with deferred
 * build-data markers (see build-data.ts) where build data is allowed.
 */
export class Scope {
  constructor(
    private readonly problems: Problems,
    private readonly policy: FunctionPolicy,
  ) {}

  evaluate(
    expr: Node,
    where: SourceLocation,
    variables: Variables,
    field: string,
    options: { bindings?: Variables; allowEnv?: boolean } = {},
  ): Evaluated {
    const scope: EvalScope = {
      file: where.file,
      variables: withBuildData(expr, { ...variables, ...options.bindings }),
      functions: { ...this.policy, ...(options.allowEnv ? { allowEnv: true } : {}) },
    };
    try {
      return evaluate(expr, scope);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      this.problems.add(field, `${error.summary}: ${error.detail}`, error.where);
      return FAILED;
    }
  }

  problem(field: string, message: string, where?: SourceLocation): typeof FAILED {
    this.problems.add(field, message, where);
    return FAILED;
  }
}

/**
 * When `build` is in scope (provisioners, post-processors), every `build.<Key>` the expression reads is
 * given a marker string, so `"${build.Host}:22"` keeps its text and the engine fills the host in later.
 */
function withBuildData(expr: Node, variables: Variables): Variables {
  const build = variables.build;
  if (!build || typeof build !== "object" || Array.isArray(build) || isUnknown(build)) return variables;
  const keys = referencedNames(expr)
    .filter((name) => name.startsWith("build."))
    .map((name) => name.slice("build.".length))
    .filter((key) => isBuildDataKey(key) && !Object.hasOwn(build, key));
  if (keys.length === 0) return variables;
  const extended: HclObject = { ...(build as HclObject) };
  for (const key of keys) extended[key] = deferredBuildData(key);
  return { ...variables, build: extended };
}

/**
 * An evaluated value as plain JSON for a plugin config. Values only known at build time never get here
 * (build data is a marker string); an unknown value is reported rather than passed on.
 */
export function toPlain(value: HclValue, field: string, where: SourceLocation, scope: Scope): unknown {
  let unknown = false;
  const plain = (v: HclValue): unknown => {
    if (isUnknown(v)) {
      unknown = true;
      return null;
    }
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        Object.defineProperty(out, k, { value: plain(item), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return v;
  };
  const result = plain(value);
  return unknown
    ? scope.problem(field, "value is not known until the build runs and cannot be used here", where)
    : result;
}

/** Evaluates an optional attribute that must be a string. */
export function evaluateString(
  attr: HclAttribute | undefined,
  variables: Variables,
  scope: Scope,
  field: string,
): string | undefined {
  if (!attr) return undefined;
  const value = scope.evaluate(attr.expr, attr.where, variables, field);
  if (value === FAILED) return undefined;
  if (typeof value !== "string") {
    scope.problem(field, "must be a string", attr.where);
    return undefined;
  }
  return value;
}
