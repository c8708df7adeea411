import type { Node, Tree } from "web-tree-sitter";
import type { SourceLocation } from "../../engine/errors";
import type { HclValue } from "../expr/evaluate";
import { firstSyntaxError } from "../expr/parser";
import { unescapeQuoted } from "../expr/template";
import type { Problems } from "../problems";
import type { Trees } from "./trees";

/**
 * The structure of an HCL file, read from tree-sitter's tree: blocks with their labels, attributes with
 * their expression nodes (handed to the evaluator), and where each was written. JSON files
 * (`.pkr.json`) are read into the same shape by json-body.ts, so everything after reading is shared.
 */
export interface HclAttribute {
  readonly name: string;
  /** The `expression` node; evaluate it with the evaluator. */
  readonly expr: Node;
  readonly where: SourceLocation;
  /** Iterator values of enclosing `dynamic` blocks (`tag.value`), added to the scope when evaluating. */
  readonly bindings?: Readonly<Record<string, HclValue>>;
}

export interface HclBlock {
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: HclBody;
  readonly where: SourceLocation;
  /** Where each label was written, for errors about a label. */
  readonly labelWhere: readonly SourceLocation[];
}

export interface HclBody {
  readonly attributes: readonly HclAttribute[];
  readonly blocks: readonly HclBlock[];
  /** Where the body's block was written (the file's start for a file body). */
  readonly where: SourceLocation;
}

export function locationOf(file: string, node: Node): SourceLocation {
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** The body of a native-syntax file. */
export function readFileBody(tree: Tree, file: string): HclBody {
  const body = named(tree.rootNode).find((c) => c.type === "body");
  const where = { file, line: 1, column: 1 };
  return body ? readBody(body, file, where) : { attributes: [], blocks: [], where };
}

function readBody(node: Node, file: string, where: SourceLocation): HclBody {
  const attributes: HclAttribute[] = [];
  const blocks: HclBlock[] = [];
  for (const child of named(node)) {
    if (child.type === "attribute") {
      const [name, expr] = [
        named(child).find((c) => c.type === "identifier"),
        named(child).find((c) => c.type === "expression"),
      ];
      if (name && expr) attributes.push({ name: name.text, expr, where: locationOf(file, child) });
    } else if (child.type === "block") {
      blocks.push(readBlock(child, file));
    }
  }
  return { attributes, blocks, where };
}

function readBlock(node: Node, file: string): HclBlock {
  const kids = named(node);
  const type = (kids[0] as Node).text;
  const labels: string[] = [];
  const labelWhere: SourceLocation[] = [];
  for (const kid of kids.slice(1)) {
    if (kid.type === "string_lit") {
      const raw = kid.text.slice(1, -1);
      labels.push(unescapeQuoted(raw, kid.startIndex + 1));
      labelWhere.push(locationOf(file, kid));
    } else if (kid.type === "identifier") {
      labels.push(kid.text);
      labelWhere.push(locationOf(file, kid));
    }
  }
  const where = locationOf(file, node);
  const body = kids.find((k) => k.type === "body");
  return {
    type,
    labels,
    labelWhere,
    where,
    body: body ? readBody(body, file, where) : { attributes: [], blocks: [], where },
  };
}

/** `provisioner "shell"`, `source "null" "a"`: how problems name a block. */
export function blockLabel(block: Pick<HclBlock, "type" | "labels">): string {
  return [block.type, ...block.labels.map((l) => JSON.stringify(l))].join(" ");
}

/** The innermost block and attribute around a position, to name them in syntax errors. */
export function describePosition(tree: Tree, line: number, column: number): string | undefined {
  let node: Node | null = tree.rootNode.descendantForPosition({ row: line - 1, column: Math.max(0, column - 1) });
  const parts: string[] = [];
  for (; node; node = node.parent) {
    if (node.type === "attribute" && parts.length === 0) {
      const name = named(node).find((c) => c.type === "identifier");
      if (name) parts.unshift(name.text);
    } else if (node.type === "block") {
      const kids = named(node);
      const labels = kids.slice(1).filter((k) => k.type === "string_lit" || k.type === "identifier");
      parts.unshift(
        [kids[0]?.text ?? "block", ...labels.map((l) => (l.type === "identifier" ? l.text : l.text))].join(" "),
      );
      break;
    }
  }
  return parts.length ? parts.join(".") : undefined;
}

/**
 * tree-sitter's tree of a file HashiCorp's parser accepted. Should the two grammars ever disagree, the
 * construct is reported rather than silently dropped from the structure.
 */
export function readTree(text: string, file: string, problems: Problems, trees: Trees): HclBody | undefined {
  const tree = trees.parse(text, file);
  const bad = firstSyntaxError(tree.rootNode);
  if (bad) {
    problems.add(
      describePosition(tree, bad.startPosition.row + 1, bad.startPosition.column + 1) ?? "syntax",
      "Kiln's HCL reader cannot read this construct (HashiCorp's parser accepts it); please report it",
      locationOf(file, bad),
    );
    return undefined;
  }
  const body = readFileBody(tree, file);
  const redefined = redefinedAttributes(body, file);
  for (const p of redefined) problems.add(p.field, p.message, p.where);
  return redefined.length ? undefined : body;
}

/** HCL's "Attribute redefined", worded as HashiCorp's parser words it, for every body in the file. */
function redefinedAttributes(body: HclBody, file: string): { field: string; message: string; where: SourceLocation }[] {
  const found: { field: string; message: string; where: SourceLocation }[] = [];
  const first = new Map<string, SourceLocation>();
  for (const attr of body.attributes) {
    const earlier = first.get(attr.name);
    if (!earlier) {
      first.set(attr.name, attr.where);
      continue;
    }
    found.push({
      field: attr.name,
      message: `Attribute redefined: The argument "${attr.name}" was already set at ${file}:${earlier.line},${earlier.column ?? 1}-${(earlier.column ?? 1) + attr.name.length}. Each argument may be set only once.`,
      where: attr.where,
    });
  }
  for (const block of body.blocks) found.push(...redefinedAttributes(block.body, file));
  return found;
}
