import type { SourceLocation } from "../../engine/errors";
import { type HclObject, type HclValue, referencedNames } from "../expr/evaluate";
import { makeObject } from "../expr/values";
import type { Problems } from "../problems";
import type { HclAttribute, HclBlock } from "./body";
import { type DataSources, dataSource } from "./data-sources";
import { type Evaluated, FAILED, type Scope, type Variables } from "./scope";
import { collectStrings } from "./variables";

/**
 * Local values (`locals { a = … }`, `local "a" { expression = …, sensitive = … }`) and data sources
 * (`data "null" "x" {}`) may refer to each other in any order, so they are evaluated as one dependency
 * graph: each after what it reads; a cycle is an error naming every member. A value whose dependency
 * failed is skipped, so one mistake is reported once.
 */
interface GraphNode {
  readonly id: string;
  readonly field: string;
  readonly where: SourceLocation;
  readonly attributes: readonly HclAttribute[];
  readonly run: (variables: Variables) => Evaluated | Promise<Evaluated>;
  readonly sensitive?: boolean;
}

export interface LocalsResult {
  readonly local: HclObject;
  readonly data: HclObject;
  readonly sensitiveValues: readonly string[];
}

export async function evaluateLocals(
  localsBlocks: readonly HclBlock[],
  localBlocks: readonly HclBlock[],
  dataBlocks: readonly HclBlock[],
  base: Variables,
  scope: Scope,
  problems: Problems,
  dataSources: DataSources,
): Promise<LocalsResult> {
  const nodes = new Map<string, GraphNode>();
  const add = (node: GraphNode) => {
    const existing = nodes.get(node.id);
    if (existing)
      problems.add(
        node.field,
        `duplicate ${node.id}: already defined at ${existing.where.file}:${existing.where.line}`,
        node.where,
      );
    else nodes.set(node.id, node);
  };

  for (const block of localsBlocks) {
    for (const b of block.body.blocks)
      problems.add(`locals.${b.type}`, "a locals block only holds name = value assignments", b.where);
    for (const attr of block.body.attributes) {
      const field = `locals.${attr.name}`;
      add({
        id: `local.${attr.name}`,
        field,
        where: attr.where,
        attributes: [attr],
        run: (v) => scope.evaluate(attr.expr, attr.where, v, field),
      });
    }
  }
  for (const block of localBlocks) {
    const name = block.labels[0];
    const field = `local ${JSON.stringify(name ?? "")}`;
    if (block.labels.length !== 1 || !name) {
      problems.add("local", 'a local block takes one label, its name: local "a" { expression = … }', block.where);
      continue;
    }
    for (const a of block.body.attributes) {
      if (a.name !== "expression" && a.name !== "sensitive")
        problems.add(`${field}.${a.name}`, "unsupported argument in a local block (expression, sensitive)", a.where);
    }
    for (const b of block.body.blocks)
      problems.add(`${field}.${b.type}`, "unsupported block in a local block", b.where);
    const expression = block.body.attributes.find((a) => a.name === "expression");
    if (!expression) {
      problems.add(field, "a local block needs expression = …", block.where);
      continue;
    }
    const sensitiveAttr = block.body.attributes.find((a) => a.name === "sensitive");
    let sensitive = false;
    if (sensitiveAttr) {
      const v = scope.evaluate(sensitiveAttr.expr, sensitiveAttr.where, base, `${field}.sensitive`);
      if (typeof v === "boolean") sensitive = v;
      else if (v !== FAILED) problems.add(`${field}.sensitive`, "must be true or false", sensitiveAttr.where);
    }
    add({
      id: `local.${name}`,
      field,
      where: block.where,
      attributes: [expression],
      sensitive,
      run: (v) => scope.evaluate(expression.expr, expression.where, v, `${field}.expression`),
    });
  }
  for (const block of dataBlocks) {
    const [type, name] = block.labels;
    if (block.labels.length !== 2 || !type || !name) {
      problems.add("data", 'a data block takes two labels, type and name: data "null" "x" {}', block.where);
      continue;
    }
    const source = dataSource(block, scope, dataSources);
    if (!source) continue;
    add({
      id: `data.${type}.${name}`,
      field: source.field,
      where: block.where,
      attributes: source.attributes,
      run: source.run,
    });
  }

  const { order, inCycle } = topologicalOrder(nodes, problems);
  const local: [string, HclValue][] = [];
  const data = new Map<string, [string, HclValue][]>();
  const failed = new Set<string>();
  const sensitiveValues: string[] = [];
  for (const node of order) {
    if (inCycle.has(node.id) || dependencies(node, nodes).some((d) => failed.has(d))) {
      failed.add(node.id);
      continue;
    }
    const variables: Variables = {
      ...base,
      local: makeObject(local),
      data: makeObject([...data].map(([type, entries]) => [type, makeObject(entries)])),
    };
    const value = await node.run(variables);
    if (value === FAILED) {
      failed.add(node.id);
      continue;
    }
    const [kind, a, b] = node.id.split(".") as [string, string, string?];
    if (kind === "local") local.push([a, value]);
    else data.set(a, [...(data.get(a) ?? []), [b as string, value]]);
    if (node.sensitive) collectStrings(value, sensitiveValues);
  }
  return {
    local: makeObject(local),
    data: makeObject([...data].map(([type, entries]) => [type, makeObject(entries)])),
    sensitiveValues,
  };
}

/** What a node reads: `local.x` directly; `data.T.N` as every data source of type T (references give only `data.T`). */
function dependencies(node: GraphNode, nodes: ReadonlyMap<string, GraphNode>): string[] {
  const deps = new Set<string>();
  for (const attr of node.attributes) {
    for (const name of referencedNames(attr.expr)) {
      if (name.startsWith("local.") && nodes.has(name)) deps.add(name);
      else if (name.startsWith("data.")) for (const id of nodes.keys()) if (id.startsWith(`${name}.`)) deps.add(id);
    }
  }
  return [...deps];
}

/** Depth-first order, dependencies first; every cycle is reported once with its members. */
function topologicalOrder(
  nodes: ReadonlyMap<string, GraphNode>,
  problems: Problems,
): { order: GraphNode[]; inCycle: Set<string> } {
  const order: GraphNode[] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string) => {
    const node = nodes.get(id);
    if (!node || state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = [...stack.slice(stack.indexOf(id)), id];
      problems.add(node.field, `cycle: ${cycle.join(" → ")} refer to each other`, node.where);
      return;
    }
    state.set(id, "visiting");
    stack.push(id);
    for (const dep of dependencies(node, nodes)) visit(dep);
    stack.pop();
    state.set(id, "done");
    order.push(node);
  };
  for (const id of nodes.keys()) visit(id);
  const inCycle = new Set(order.filter((n) => reaches(n.id, n.id, nodes, new Set())).map((n) => n.id));
  return { order, inCycle };
}

function reaches(from: string, target: string, nodes: ReadonlyMap<string, GraphNode>, seen: Set<string>): boolean {
  const node = nodes.get(from);
  if (!node) return false;
  for (const dep of dependencies(node, nodes)) {
    if (dep === target) return true;
    if (!seen.has(dep)) {
      seen.add(dep);
      if (reaches(dep, target, nodes, seen)) return true;
    }
  }
  return false;
}
