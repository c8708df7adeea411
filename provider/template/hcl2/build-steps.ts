import { errorMessage, KilnError, type SourceLocation } from "../../engine/errors";
import type { PostProcessorSpec, ProvisionerSpec } from "../../spec/types";
import { parseDuration } from "../../util/duration";
import type { HclValue } from "../expr/evaluate";
import type { GoTemplateContext } from "../gotemplate/render";
import type { HclAttribute, HclBlock } from "./body";
import type { BuildContext } from "./build-context";
import type { SourceUse } from "./build-sources";
import { bodyToConfig } from "./config";
import { expandDynamic } from "./dynamic";
import { evaluateString, FAILED, type Scope, toPlain, type Variables } from "./scope";

/**
 * Provisioner and post-processor blocks of a build: their meta-arguments (only, except, pause_before,
 * max_retries, timeout, override, keep_input_artifact, name) read once per build, their configs
 * evaluated per source.
 */
export interface StepBlock {
  readonly block: HclBlock;
  readonly field: string;
  readonly only?: string[];
  readonly except?: string[];
  readonly meta: Record<string, unknown>;
  readonly override?: Record<string, HclValue>;
  /** Post-processor `name`, matched by -except. */
  readonly name?: string;
}

const PROVISIONER_META = new Set([
  "only",
  "except",
  "pause_before",
  "max_retries",
  "timeout",
  "override",
  "name",
  "continue_on_error",
]);
const POST_PROCESSOR_META = new Set(["only", "except", "keep_input_artifact", "name"]);

/** only/except of a step for one source (`type.name`; a `source.` prefix is allowed). */
export function applies(step: StepBlock, sourceName: string): boolean {
  if (step.only?.length) return step.only.some((s) => s.replace(/^source\./, "") === sourceName);
  if (step.except?.length) return !step.except.some((s) => s.replace(/^source\./, "") === sourceName);
  return true;
}

/** Reads a list of source names (`only`, `except`) and checks each names a source of this build. */
function sourceList(
  attr: HclAttribute | undefined,
  sourceNames: readonly string[],
  variables: Variables,
  scope: Scope,
  field: string,
): string[] | undefined {
  if (!attr) return undefined;
  const value = scope.evaluate(attr.expr, attr.where, variables, field);
  if (value === FAILED) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    scope.problem(field, 'must be a list of source names, e.g. ["amazon-ebs.web"]', attr.where);
    return undefined;
  }
  for (const name of value as string[]) {
    if (!sourceNames.includes(name.replace(/^source\./, ""))) {
      scope.problem(
        field,
        `"${name}" is not a source of this build (sources: ${sourceNames.join(", ") || "none"})`,
        attr.where,
      );
    }
  }
  // Written `source.T.N` or `T.N`; the spec carries `T.N`, the form the engine matches sources by.
  return (value as string[]).map((name) => name.replace(/^source\./, ""));
}

function metaValue(
  attr: HclAttribute | undefined,
  variables: Variables,
  scope: Scope,
  field: string,
): HclValue | undefined {
  if (!attr) return undefined;
  const value = scope.evaluate(attr.expr, attr.where, variables, field);
  return value === FAILED ? undefined : value;
}

export function provisionerBlock(
  block: HclBlock,
  field: string,
  sourceNames: readonly string[],
  variables: Variables,
  scope: Scope,
): StepBlock | undefined {
  if (block.labels.length !== 1) {
    scope.problem(field, `a ${block.type} block takes one label, its type: ${block.type} "shell" {}`, block.where);
    return undefined;
  }
  const attr = (name: string) => block.body.attributes.find((a) => a.name === name);
  for (const unsupported of ["name", "continue_on_error"]) {
    const a = attr(unsupported);
    if (a)
      scope.problem(
        `${field}.${unsupported}`,
        `"${unsupported}" on a provisioner is not supported by Kiln yet`,
        a.where,
      );
  }
  const only = sourceList(attr("only"), sourceNames, variables, scope, `${field}.only`);
  const except = sourceList(attr("except"), sourceNames, variables, scope, `${field}.except`);
  if (only?.length && except?.length)
    scope.problem(field, "only one of 'only' or 'except' may be specified", block.where);
  const meta: Record<string, unknown> = {};
  for (const key of ["pause_before", "timeout"] as const) {
    const a = attr(key);
    const value = metaValue(a, variables, scope, `${field}.${key}`);
    if (value === undefined || value === null || !a) continue;
    try {
      if (typeof value !== "string" && typeof value !== "number")
        throw new KilnError("VALUE_INVALID", 'must be a Go duration such as "30s"');
      parseDuration(value);
      meta[key] = value;
    } catch (error) {
      scope.problem(`${field}.${key}`, errorMessage(error), a.where);
    }
  }
  const retries = attr("max_retries");
  const retriesValue = metaValue(retries, variables, scope, `${field}.max_retries`);
  if (retries && retriesValue !== undefined && retriesValue !== null) {
    const n = typeof retriesValue === "string" ? Number(retriesValue) : retriesValue;
    if (typeof n === "number" && Number.isInteger(n) && n >= 0) meta.max_retries = n;
    else scope.problem(`${field}.max_retries`, "must be a whole number of retries", retries.where);
  }
  let override: Record<string, HclValue> | undefined;
  const overrideAttr = attr("override");
  const overrideValue = metaValue(overrideAttr, variables, scope, `${field}.override`);
  if (overrideAttr && overrideValue !== undefined && overrideValue !== null) {
    const isObj = (v: HclValue) => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isObj(overrideValue) || !Object.values(overrideValue as object).every(isObj)) {
      scope.problem(
        `${field}.override`,
        "must be an object of source name → fields, e.g. override = { web = { inline = [...] } }",
        overrideAttr.where,
      );
    } else {
      override = overrideValue as Record<string, HclValue>;
      const names = sourceNames.map((n) => n.split(".")[1]);
      for (const key of Object.keys(override)) {
        if (!names.includes(key))
          scope.problem(
            `${field}.override`,
            `"${key}" is not the name of a source of this build (names: ${names.join(", ")})`,
            overrideAttr.where,
          );
      }
    }
  }
  return {
    block,
    field,
    ...(only ? { only } : {}),
    ...(except ? { except } : {}),
    meta,
    ...(override ? { override } : {}),
  };
}

export function postProcessorBlock(
  block: HclBlock,
  field: string,
  sourceNames: readonly string[],
  variables: Variables,
  scope: Scope,
): StepBlock | undefined {
  if (block.labels.length !== 1) {
    scope.problem(field, 'a post-processor block takes one label, its type: post-processor "manifest" {}', block.where);
    return undefined;
  }
  const attr = (name: string) => block.body.attributes.find((a) => a.name === name);
  const only = sourceList(attr("only"), sourceNames, variables, scope, `${field}.only`);
  const except = sourceList(attr("except"), sourceNames, variables, scope, `${field}.except`);
  if (only?.length && except?.length)
    scope.problem(field, "only one of 'only' or 'except' may be specified", block.where);
  const meta: Record<string, unknown> = {};
  const keep = attr("keep_input_artifact");
  const keepValue = metaValue(keep, variables, scope, `${field}.keep_input_artifact`);
  if (keep && keepValue !== undefined && keepValue !== null) {
    if (typeof keepValue === "boolean") meta.keep_input_artifact = keepValue;
    else scope.problem(`${field}.keep_input_artifact`, "must be true or false", keep.where);
  }
  const name = evaluateString(attr("name"), variables, scope, `${field}.name`);
  return { block, field, ...(only ? { only } : {}), ...(except ? { except } : {}), meta, ...(name ? { name } : {}) };
}

export function provisionerSpec(
  step: StepBlock,
  use: SourceUse,
  variables: Variables,
  goTemplate: GoTemplateContext,
  ctx: BuildContext,
): ProvisionerSpec {
  const body = expandDynamic(step.block.body, variables, ctx.scope, step.field);
  const result = bodyToConfig(body, variables, ctx.scope, step.field, { exclude: PROVISIONER_META, goTemplate });
  const config = { ...result.config };
  const override = step.override?.[use.name];
  if (override) {
    // Packer replaces top-level fields with the override's, for the source with that name.
    const overrideAttr = step.block.body.attributes.find((a) => a.name === "override");
    const plain = toPlain(override, `${step.field}.override`, overrideAttr?.where ?? step.block.where, ctx.scope);
    if (plain !== FAILED) Object.assign(config, plain);
  }
  return {
    type: step.block.labels[0] as string,
    config,
    ...(step.only ? { only: step.only } : {}),
    ...(step.except ? { except: step.except } : {}),
    ...(step.meta as Pick<ProvisionerSpec, "pause_before" | "max_retries" | "timeout">),
    where: step.block.where,
    fieldLocations: metaLocations(step.block, result.fieldLocations),
  };
}

export function postProcessorSpec(
  step: StepBlock,
  variables: Variables,
  goTemplate: GoTemplateContext,
  ctx: BuildContext,
): PostProcessorSpec {
  const body = expandDynamic(step.block.body, variables, ctx.scope, step.field);
  const result = bodyToConfig(body, variables, ctx.scope, step.field, { exclude: POST_PROCESSOR_META, goTemplate });
  return {
    type: step.block.labels[0] as string,
    config: result.config,
    ...(step.only ? { only: step.only } : {}),
    ...(step.except ? { except: step.except } : {}),
    ...(step.meta as Pick<PostProcessorSpec, "keep_input_artifact">),
    where: step.block.where,
    fieldLocations: metaLocations(step.block, result.fieldLocations),
  };
}

/** Config field locations plus the meta-arguments', so errors about `timeout` can point at it too. */
function metaLocations(block: HclBlock, fields: Record<string, SourceLocation>): Record<string, SourceLocation> {
  const out = { ...fields };
  for (const a of block.body.attributes) out[a.name] ??= a.where;
  return out;
}
