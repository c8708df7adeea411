import { DATA_SOURCES, type DataSourceType, dataSourceTypes, isDataSourceType } from "../../datasources/registry";
import { ConfigError, errorMessage } from "../../engine/errors";
import { fromJs, makeObject } from "../expr/values";
import { blockLabel, type HclAttribute, type HclBlock } from "./body";
import { bodyToConfig } from "./config";
import { type Evaluated, FAILED, type Scope, type Variables } from "./scope";

/**
 * Data sources Kiln can read while loading: `null` (`data "null" "x" { input = … }` → `data.null.x.output`)
 * and `amazon-ami` (an AMI looked up by filters, as Packer's amazon plugin does). Any other type is an
 * error naming its block, never silently empty.
 */
export interface DataSourceNode {
  readonly field: string;
  readonly attributes: readonly HclAttribute[];
  readonly run: (variables: Variables) => Evaluated | Promise<Evaluated>;
}

type NodeReader = (block: HclBlock, scope: Scope, field: string) => DataSourceNode | undefined;

/** How each registered data source reads in HCL: keyed by the registry, so a missing one fails `tsc`. */
const READERS: Record<DataSourceType, NodeReader> = { null: nullData, "amazon-ami": registeredData("amazon-ami") };

export function dataSource(block: HclBlock, scope: Scope): DataSourceNode | undefined {
  const field = blockLabel(block);
  const [type = ""] = block.labels;
  if (!isDataSourceType(type)) {
    scope.problem(
      field,
      `data source type "${type}" is not supported by Kiln yet (supported: ${dataSourceTypes.join(", ")})`,
      block.where,
    );
    return undefined;
  }
  return READERS[type](block, scope, field);
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
function registeredData(type: DataSourceType): NodeReader {
  return (block, scope, field) => ({
    field,
    attributes: block.body.attributes,
    run: async (variables) => {
      const { config, ok, fieldLocations } = bodyToConfig(block.body, variables, scope, field);
      if (!ok) return FAILED;
      try {
        const { read } = await DATA_SOURCES[type].load();
        return fromJs(await read(config));
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
