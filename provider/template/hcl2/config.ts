import type { SourceLocation } from "../../engine/errors";
import { type GoTemplateContext, GoTemplateError, hasGoTemplate, renderGoTemplate } from "../gotemplate/render";
import { blockLabel, type HclBody } from "./body";
import { FAILED, type Scope, toPlain, type Variables } from "./scope";

/**
 * A plugin block's body as its plain JSON config: attributes evaluated (null means unset, as in HCL),
 * nested blocks as arrays of objects (the CONTRIBUTING.md convention), legacy `{{ }}` rendered in every
 * string, and where each field was written.
 */
export interface PluginConfig {
  readonly config: Record<string, unknown>;
  readonly fieldLocations: Record<string, SourceLocation>;
  /** False when a problem was recorded; the config is then incomplete. */
  readonly ok: boolean;
}

export interface ConfigOptions {
  /** Meta-arguments handled by the caller (`only`, `pause_before`…), left out of the config. */
  readonly exclude?: ReadonlySet<string>;
  /** Context for legacy `{{ }}` interpolation in strings. */
  readonly goTemplate?: GoTemplateContext;
}

export function bodyToConfig(
  body: HclBody,
  variables: Variables,
  scope: Scope,
  field: string,
  options: ConfigOptions = {},
): PluginConfig {
  const config: Record<string, unknown> = {};
  const fieldLocations: Record<string, SourceLocation> = {};
  let ok = true;
  const set = (key: string, value: unknown) =>
    Object.defineProperty(config, key, { value, enumerable: true, writable: true, configurable: true });

  for (const attr of body.attributes) {
    if (options.exclude?.has(attr.name)) continue;
    fieldLocations[attr.name] = attr.where;
    const value = scope.evaluate(attr.expr, attr.where, variables, `${field}.${attr.name}`, {
      bindings: attr.bindings,
    });
    if (value === FAILED) {
      ok = false;
      continue;
    }
    if (value === null) continue;
    const plain = toPlain(value, `${field}.${attr.name}`, attr.where, scope);
    if (plain === FAILED) {
      ok = false;
      continue;
    }
    const rendered = options.goTemplate
      ? renderStrings(plain, options.goTemplate, scope, `${field}.${attr.name}`, attr.where)
      : plain;
    if (rendered === FAILED) ok = false;
    else set(attr.name, rendered);
  }

  const nested = new Map<string, Record<string, unknown>[]>();
  for (const block of body.blocks) {
    const label = `${field}.${blockLabel(block)}`;
    if (options.exclude?.has(block.type)) continue;
    if (block.labels.length) {
      scope.problem(label, `a "${block.type}" block inside a plugin configuration takes no labels`, block.where);
      ok = false;
      continue;
    }
    if (body.attributes.some((a) => a.name === block.type)) {
      scope.problem(label, `"${block.type}" is set both as an argument and as a block`, block.where);
      ok = false;
      continue;
    }
    const list = nested.get(block.type) ?? [];
    const inner = bodyToConfig(block.body, variables, scope, `${field}.${block.type}[${list.length}]`, {
      goTemplate: options.goTemplate,
    });
    ok &&= inner.ok;
    fieldLocations[block.type] ??= block.where;
    fieldLocations[`${block.type}[${list.length}]`] = block.where;
    for (const [k, where] of Object.entries(inner.fieldLocations))
      fieldLocations[`${block.type}[${list.length}].${k}`] = where;
    list.push(inner.config);
    nested.set(block.type, list);
  }
  for (const [type, list] of nested) set(type, list);
  return { config, fieldLocations, ok };
}

/** Renders legacy `{{ }}` actions in every string of a plain value. */
export function renderStrings(
  value: unknown,
  ctx: GoTemplateContext,
  scope: Scope,
  field: string,
  where: SourceLocation,
): unknown {
  if (typeof value === "string") {
    if (!hasGoTemplate(value)) return value;
    try {
      return renderGoTemplate(value, ctx);
    } catch (error) {
      if (!(error instanceof GoTemplateError)) throw error;
      return scope.problem(field, `${error.message} (in ${JSON.stringify(value)})`, where);
    }
  }
  if (Array.isArray(value)) {
    const items = value.map((v) => renderStrings(v, ctx, scope, field, where));
    return items.includes(FAILED) ? FAILED : items;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    let failed = false;
    for (const [k, v] of Object.entries(value)) {
      const rendered = renderStrings(v, ctx, scope, field, where);
      failed ||= rendered === FAILED;
      Object.defineProperty(out, k, { value: rendered, enumerable: true, writable: true, configurable: true });
    }
    return failed ? FAILED : out;
  }
  return value;
}
