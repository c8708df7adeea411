import type { SourceLocation } from "../../engine/errors";
import type { SourceSpec } from "../../spec/types";
import type { GoTemplateContext } from "../gotemplate/render";
import { blockLabel, type HclAttribute, type HclBlock, type HclBody } from "./body";
import type { BuildContext } from "./build-context";
import { bodyToConfig } from "./config";
import { expandDynamic } from "./dynamic";
import { evaluateString, FAILED, type Variables } from "./scope";

/**
 * The sources a build uses: `sources = ["source.T.N"]` and `source "source.T.N" { name = …, more fields }`
 * blocks, resolved against the top-level `source` blocks, and each one's config evaluated for a build.
 */
export interface SourceUse {
  readonly type: string;
  /** After a `name = …` rename inside the build. */
  readonly name: string;
  readonly definition: HclBlock;
  /** Fields the build's `source` block adds. */
  readonly extra?: HclBody;
  readonly where: SourceLocation;
}

/** `source.T.N` or `T.N` → [T, N]. */
function parseSourceRef(ref: string): [string, string] | undefined {
  const parts = ref.replace(/^source\./, "").split(".");
  const valid = /^[A-Za-z][A-Za-z0-9_-]*$/;
  return parts.length === 2 && parts.every((p) => valid.test(p)) ? (parts as [string, string]) : undefined;
}

export function sourceUses(
  body: HclBody,
  sourcesAttr: HclAttribute | undefined,
  label: string,
  ctx: BuildContext,
): SourceUse[] {
  const { scope, problems } = ctx;
  const uses: SourceUse[] = [];
  const lookup = (ref: string, field: string, where: SourceLocation) => {
    const parsed = parseSourceRef(ref);
    if (!parsed) {
      problems.add(
        field,
        `invalid source reference "${ref}": write source.TYPE.NAME, e.g. "source.amazon-ebs.web"`,
        where,
      );
      return undefined;
    }
    const definition = ctx.sources.get(parsed.join("."));
    if (!definition) {
      const known = [...ctx.sources.keys()].map((k) => `source.${k}`);
      problems.add(field, `unknown source "${ref}" (declared: ${known.length ? known.join(", ") : "none"})`, where);
      return undefined;
    }
    return { type: parsed[0], name: parsed[1], definition };
  };
  const addUse = (use: SourceUse, field: string) => {
    const twin = uses.find((u) => u.type === use.type && u.name === use.name);
    if (twin)
      problems.add(
        field,
        `source ${use.type}.${use.name} is used twice in this build; rename one with name = …`,
        use.where,
      );
    else uses.push(use);
  };

  if (sourcesAttr) {
    const field = `${label}.sources`;
    const value = scope.evaluate(sourcesAttr.expr, sourcesAttr.where, ctx.variables, field);
    if (value !== FAILED) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        problems.add(field, 'must be a list of source references, e.g. ["source.amazon-ebs.web"]', sourcesAttr.where);
      } else {
        for (const ref of value as string[]) {
          const found = lookup(ref, field, sourcesAttr.where);
          if (found) addUse({ ...found, where: sourcesAttr.where }, field);
        }
      }
    }
  }
  for (const block of body.blocks.filter((b) => b.type === "source")) {
    const field = `${label}.${blockLabel(block)}`;
    if (block.labels.length !== 1) {
      problems.add(
        field,
        'a source block inside a build takes one label, the source it uses: source "source.TYPE.NAME" {}',
        block.where,
      );
      continue;
    }
    const found = lookup(block.labels[0] as string, field, block.labelWhere[0] ?? block.where);
    if (!found) continue;
    const nameAttr = block.body.attributes.find((a) => a.name === "name");
    const rename = evaluateString(nameAttr, ctx.variables, scope, `${field}.name`);
    const extra: HclBody = { ...block.body, attributes: block.body.attributes.filter((a) => a.name !== "name") };
    for (const a of extra.attributes) {
      const base = found.definition.body.attributes.find((b) => b.name === a.name);
      if (base) {
        problems.add(
          `${field}.${a.name}`,
          `already set in ${blockLabel(found.definition)} at ${base.where.file}:${base.where.line}; a build may add fields to a source, not replace them`,
          a.where,
        );
      }
    }
    addUse({ ...found, name: rename ?? found.name, extra, where: block.where }, field);
  }
  return uses;
}

export function sourceSpec(
  use: SourceUse,
  variables: Variables,
  goTemplate: GoTemplateContext,
  ctx: BuildContext,
): SourceSpec | undefined {
  const field = blockLabel(use.definition);
  const merged: HclBody = {
    attributes: [...use.definition.body.attributes, ...(use.extra?.attributes ?? [])],
    blocks: [...use.definition.body.blocks, ...(use.extra?.blocks ?? [])],
    where: use.definition.where,
  };
  const body = expandDynamic(merged, variables, ctx.scope, field);
  const result = bodyToConfig(body, variables, ctx.scope, field, { goTemplate });
  if (!result.ok) return undefined;
  return {
    type: use.type,
    name: use.name,
    config: result.config,
    where: use.definition.where,
    fieldLocations: result.fieldLocations,
  };
}
