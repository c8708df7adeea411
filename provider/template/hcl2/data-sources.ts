import type { HclValue } from "../expr/evaluate";
import { makeObject } from "../expr/values";
import { blockLabel, type HclAttribute, type HclBlock } from "./body";
import { FAILED, type Scope, type Variables } from "./scope";

/**
 * Data sources Kiln can read while loading. Only `null` for now (`data "null" "x" { input = … }` →
 * `data.null.x.output`); any other type is an error naming its block, never silently empty.
 */
export interface DataSourceNode {
  readonly field: string;
  readonly attributes: readonly HclAttribute[];
  readonly run: (variables: Variables) => HclValue | typeof FAILED;
}

export function dataSource(block: HclBlock, scope: Scope): DataSourceNode | undefined {
  const field = blockLabel(block);
  const [type] = block.labels;
  if (type !== "null") {
    scope.problem(field, `data source type "${type}" is not supported by Kiln yet (supported: null)`, block.where);
    return undefined;
  }
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
