import type { DataSourceRuntime } from "../../datasources/types";
import { ConfigError, errorMessage } from "../../engine/errors";
import type { Registry } from "../../util/lazy-registry";
import { fromJs, makeObject } from "../expr/values";
import { blockLabel, type HclAttribute, type HclBlock } from "./body";
import { bodyToConfig } from "./config";
import { type Evaluated, FAILED, type Scope, type Variables } from "./scope";

/**
 * Data sources the loader is given (Kiln's: `null`, `data "null" "x" { input = … }` → `data.null.x.output`,
 * and `amazon-ami`, an AMI looked up by filters as Packer's amazon plugin does). Any other type is an
 * error naming its block, never silently empty.
 */
export interface DataSourceNode {
  readonly field: string;
  readonly attributes: readonly HclAttribute[];
  readonly run: (variables: Variables) => Evaluated | Promise<Evaluated>;
}

/** The data sources a load may read, by type (the caller's registry: provider/kiln.ts gives Kiln's). */
export type DataSources = Registry<DataSourceRuntime>;

export function dataSource(block: HclBlock, scope: Scope, sources: DataSources): DataSourceNode | undefined {
  const field = blockLabel(block);
  const [type = ""] = block.labels;
  if (!sources.types.includes(type)) {
    scope.problem(
      field,
      `data source type "${type}" is not supported by Kiln yet (supported: ${sources.types.join(", ")})`,
      block.where,
    );
    return undefined;
  }
  return type === "null" ? nullData(block, scope, field) : registeredData(type, sources)(block, scope, field);
}

/**
 * `data "null"`: its input stays an HCL value (kept as the language has it, unknowns and all), so it is
 * evaluated here rather than converted to config and back.
 */
function nullData(block: HclBlock, scope: Scope, field: string): DataSourceNode | undefined {
  let ok = true;
  for (const a of block.body.attributes) {
    if (a.name !== "input") {
      scope.problem(`${field}.${a.name}`, "unsupported argument in a null data source (input)", a.where);
      ok = false;
    }
  }
  for (const b of block.body.blocks) {
    scope.problem(`${field}.${b.type}`, "unsupported block in a null data source", b.where);
    ok = false;
  }
  const input = block.body.attributes.find((a) => a.name === "input");
  if (!input) {
    scope.problem(field, "the null data source needs input = …", block.where);
    return undefined;
  }
  if (!ok) return undefined;
  return {
    field,
    attributes: [input],
    run: (variables) => {
      const value = scope.evaluate(input.expr, input.where, variables, `${field}.input`);
      return value === FAILED
        ? FAILED
        : makeObject([
            ["input", value],
            ["output", value],
          ]);
    },
  };
}

/** A data source read by its runtime: its block becomes the config; the value's attributes become the object. */
function registeredData(
  type: string,
  sources: DataSources,
): (block: HclBlock, scope: Scope, field: string) => DataSourceNode {
  return (block, scope, field) => ({
    field,
    attributes: block.body.attributes,
    run: async (variables) => {
      const { config, ok, fieldLocations } = bodyToConfig(block.body, variables, scope, field);
      if (!ok) return FAILED;
      try {
        const source = await sources.get(type);
        if (!source) return scope.problem(field, `data source type "${type}" could not be loaded`, block.where);
        return fromJs(await source.read(config));
      } catch (error) {
        if (!(error instanceof ConfigError)) return scope.problem(field, errorMessage(error), block.where);
        for (const p of error.problems) {
          scope.problem(`${field}.${p.field}`, p.message, fieldLocations[p.field.split(".")[0] ?? ""] ?? block.where);
        }
        return FAILED;
      }
    },
  });
}
