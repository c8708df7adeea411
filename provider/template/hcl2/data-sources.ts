import { ConfigError, errorMessage } from "../../engine/errors";
import type { HclValue } from "../expr/evaluate";
import { makeObject } from "../expr/values";
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

const SUPPORTED = ["null", "amazon-ami"];

export function dataSource(block: HclBlock, scope: Scope): DataSourceNode | undefined {
  const field = blockLabel(block);
  const [type] = block.labels;
  if (type === "amazon-ami") return amazonAmi(block, scope, field);
  if (type !== "null") {
    scope.problem(
      field,
      `data source type "${type}" is not supported by Kiln yet (supported: ${SUPPORTED.join(", ")})`,
      block.where,
    );
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

/** `data "amazon-ami"`: its block becomes the lookup's config; the AMI's attributes become the value. */
function amazonAmi(block: HclBlock, scope: Scope, field: string): DataSourceNode {
  return {
    field,
    attributes: block.body.attributes,
    run: async (variables) => {
      const { config, ok, fieldLocations } = bodyToConfig(block.body, variables, scope, field);
      if (!ok) return FAILED;
      // Loaded only for templates that use it: it brings the AWS SDK.
      const { lookupAmazonAmi } = await import("../../builders/amazon-ebs/data-ami");
      try {
        const ami = await lookupAmazonAmi(config as Parameters<typeof lookupAmazonAmi>[0]);
        return makeObject(
          Object.entries(ami).map(([key, value]): [string, HclValue] => [
            key,
            typeof value === "string" ? value : makeObject(Object.entries(value as Record<string, string>)),
          ]),
        );
      } catch (error) {
        if (!(error instanceof ConfigError)) return scope.problem(field, errorMessage(error), block.where);
        for (const p of error.problems) {
          scope.problem(`${field}.${p.field}`, p.message, fieldLocations[p.field.split(".")[0] ?? ""] ?? block.where);
        }
        return FAILED;
      }
    },
  };
}
