import type { Node } from "web-tree-sitter";
import { type HclValue, isUnknown } from "../expr/evaluate";
import { makeObject, sortedEntries } from "../expr/values";
import { blockLabel, type HclBlock, type HclBody } from "./body";
import { FAILED, type Scope, type Variables } from "./scope";

/**
 * Expands `dynamic "x" { for_each, iterator, labels, content {} }` into one `x` block per element, as
 * hcl's dynblock extension does. The iterator object (`x.key`, `x.value`) is bound on every attribute of
 * the generated content, nested blocks included, so it is in scope wherever those are evaluated later.
 * `recursive: false` expands only this body's own dynamic blocks (a build expands its provisioner list
 * first, and each provisioner's nested dynamic blocks later, per source).
 */
export function expandDynamic(
  body: HclBody,
  variables: Variables,
  scope: Scope,
  field: string,
  recursive = true,
): HclBody {
  const blocks: HclBlock[] = [];
  for (const block of body.blocks) {
    if (block.type === "dynamic") {
      for (const generated of expandOne(block, variables, scope, field)) {
        blocks.push(
          recursive
            ? { ...generated, body: expandDynamic(generated.body, variables, scope, `${field}.${generated.type}`) }
            : generated,
        );
      }
    } else {
      blocks.push(
        recursive ? { ...block, body: expandDynamic(block.body, variables, scope, `${field}.${block.type}`) } : block,
      );
    }
  }
  return { attributes: body.attributes, blocks, where: body.where };
}

/** Binds iterator values on every attribute of a body, however deeply nested. */
function bind(body: HclBody, bindings: Variables): HclBody {
  return {
    attributes: body.attributes.map((a) => ({ ...a, bindings: { ...a.bindings, ...bindings } })),
    blocks: body.blocks.map((b) => ({ ...b, body: bind(b.body, bindings) })),
    where: body.where,
  };
}

function expandOne(block: HclBlock, variables: Variables, scope: Scope, parentField: string): HclBlock[] {
  const label = `${parentField}.${blockLabel(block)}`;
  if (block.labels.length !== 1) {
    scope.problem(
      label,
      'a dynamic block takes one label: the type of the blocks to generate, e.g. dynamic "tag" {}',
      block.where,
    );
    return [];
  }
  const type = block.labels[0] as string;
  const attr = (name: string) => block.body.attributes.find((a) => a.name === name);
  let failed = false;
  for (const a of block.body.attributes) {
    if (!["for_each", "iterator", "labels"].includes(a.name)) {
      scope.problem(
        `${label}.${a.name}`,
        "unsupported argument in a dynamic block (for_each, iterator, labels, content {})",
        a.where,
      );
      failed = true;
    }
  }
  for (const b of block.body.blocks) {
    if (b.type !== "content") {
      scope.problem(`${label}.${b.type}`, "unsupported block in a dynamic block (only content {})", b.where);
      failed = true;
    }
  }
  const contents = block.body.blocks.filter((b) => b.type === "content");
  if (contents.length !== 1) {
    scope.problem(label, "a dynamic block needs exactly one content {} block", block.where);
    failed = true;
  }
  const forEach = attr("for_each");
  if (!forEach) {
    scope.problem(label, "a dynamic block needs for_each", block.where);
    return [];
  }
  let iterator = type;
  const iteratorAttr = attr("iterator");
  if (iteratorAttr) {
    const name = bareIdentifier(iteratorAttr.expr);
    if (name) iterator = name;
    else {
      scope.problem(`${label}.iterator`, "must be a bare name, e.g. iterator = tag", iteratorAttr.where);
      failed = true;
    }
  }
  const collection = scope.evaluate(forEach.expr, forEach.where, variables, `${label}.for_each`, {
    bindings: forEach.bindings,
  });
  if (collection === FAILED || failed) return [];
  let items: [HclValue, HclValue][];
  if (Array.isArray(collection)) items = collection.map((v, i) => [i, v]);
  else if (collection && typeof collection === "object" && !isUnknown(collection)) items = sortedEntries(collection);
  else {
    scope.problem(
      `${label}.for_each`,
      "must be a list, set, map or object to repeat the block for each element",
      forEach.where,
    );
    return [];
  }

  const content = contents[0] as HclBlock;
  const labelsAttr = attr("labels");
  const out: HclBlock[] = [];
  for (const [key, value] of items) {
    const bindings: Variables = {
      ...forEach.bindings,
      [iterator]: makeObject([
        ["key", key],
        ["value", value],
      ]),
    };
    let labels: string[] = [];
    if (labelsAttr) {
      const evaluated = scope.evaluate(labelsAttr.expr, labelsAttr.where, variables, `${label}.labels`, {
        bindings: { ...labelsAttr.bindings, ...bindings },
      });
      if (evaluated === FAILED) return out;
      if (!Array.isArray(evaluated) || !evaluated.every((l) => typeof l === "string")) {
        scope.problem(`${label}.labels`, "must be a list of strings", labelsAttr.where);
        return out;
      }
      labels = evaluated as string[];
    }
    out.push({
      type,
      labels,
      labelWhere: labels.map(() => labelsAttr?.where ?? block.where),
      where: content.where,
      body: bind(content.body, bindings),
    });
  }
  return out;
}

/** `iterator = tag`: the name itself, not a value. */
function bareIdentifier(expr: Node): string | undefined {
  const kids = expr.namedChildren.filter((c): c is Node => c !== null);
  if (kids.length !== 1 || kids[0]?.type !== "variable_expr") return undefined;
  return kids[0].text;
}
