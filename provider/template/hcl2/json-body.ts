import type { Node } from "web-tree-sitter";
import type { SourceLocation } from "../../engine/errors";
import { firstSyntaxError } from "../expr/parser";
import { JsonSyntaxError, parseJsonDocument } from "../json-source";
import type { Problems } from "../problems";
import { type HclAttribute, type HclBlock, type HclBody, locationOf } from "./body";
import { hclReadableJson } from "./json-templates";
import type { Trees } from "./trees";

/**
 * `.pkr.json` files: HCL's JSON syntax read into the same HclBody shape as native files. JSON syntax is
 * checked by our JSON reader (exact line and column); tree-sitter then reads the same text as an HCL
 * object expression, so every JSON string is a template node at its real position for the evaluator.
 * Which keys are blocks (and how many label levels they nest) follows Packer's schema, as hcl's JSON
 * decoder does with the schema it is given.
 */
interface Schema {
  readonly blocks?: Readonly<Record<string, { readonly labels: number; readonly body?: Schema }>>;
  /** Attributes whose JSON string holds an expression, not a template (a variable's `type`). */
  readonly expressionStrings?: readonly string[];
}

const PLUGIN: Schema = {};
const SCHEMA: Schema = {
  blocks: {
    packer: { labels: 0, body: { blocks: { required_plugins: { labels: 0 } } } },
    variable: { labels: 1, body: { blocks: { validation: { labels: 0 } }, expressionStrings: ["type"] } },
    variables: { labels: 0 },
    locals: { labels: 0 },
    local: { labels: 1 },
    data: { labels: 2, body: PLUGIN },
    source: { labels: 2, body: PLUGIN },
    build: {
      labels: 0,
      body: {
        blocks: {
          source: { labels: 1, body: PLUGIN },
          provisioner: { labels: 1, body: PLUGIN },
          "error-cleanup-provisioner": { labels: 1, body: PLUGIN },
          "post-processor": { labels: 1, body: PLUGIN },
          "post-processors": { labels: 0, body: { blocks: { "post-processor": { labels: 1, body: PLUGIN } } } },
        },
      },
    },
  },
};

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** The object or tuple inside `expression`/`collection_value` wrappers, or undefined for other values. */
function collection(node: Node): Node | undefined {
  let n: Node | undefined = node;
  while (n && (n.type === "expression" || n.type === "collection_value")) n = named(n)[0];
  return n && (n.type === "object" || n.type === "tuple") ? n : undefined;
}

export function readJsonTemplate(text: string, file: string, problems: Problems, trees: Trees): HclBody | undefined {
  try {
    parseJsonDocument(text, file);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    problems.add("syntax", error.message, error.where);
    return undefined;
  }
  const root = trees.parse(hclReadableJson(text), file).rootNode;
  const object = named(root).find((c) => c.type === "object");
  const bad = firstSyntaxError(root);
  if (!object || bad) {
    problems.add(
      "syntax",
      "this JSON cannot be read as HCL JSON (an escape HCL lacks, such as \\/ ?)",
      bad ? locationOf(file, bad) : { file, line: 1 },
    );
    return undefined;
  }
  return new JsonBodyReader(file, problems, trees).body(object, SCHEMA, locationOf(file, object));
}

class JsonBodyReader {
  constructor(
    private readonly file: string,
    private readonly problems: Problems,
    private readonly trees: Trees,
  ) {}

  body(object: Node, schema: Schema, where: SourceLocation): HclBody {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (const elem of named(object).filter((c) => c.type === "object_elem")) {
      const keyNode = elem.childForFieldName("key");
      const val = elem.childForFieldName("val");
      if (!keyNode || !val) continue;
      const key = JSON.parse(keyNode.text) as string;
      if (key === "//") continue; // HCL JSON's comment property
      const keyWhere = locationOf(this.file, keyNode);
      const blockSchema = schema.blocks?.[key];
      if (blockSchema) {
        blocks.push(...this.blocks(key, val, blockSchema.labels, [], [], blockSchema.body ?? {}, keyWhere));
      } else if (schema.expressionStrings?.includes(key)) {
        const expr = this.expressionInString(val);
        if (expr) attributes.push({ name: key, expr, where: keyWhere });
      } else {
        attributes.push({ name: key, expr: val, where: keyWhere });
      }
    }
    return { attributes, blocks, where };
  }

  /** A block type's value: label objects nested `labels` deep, then a body object or a list of them. */
  private blocks(
    type: string,
    value: Node,
    labels: number,
    labelsSoFar: string[],
    labelWhere: SourceLocation[],
    schema: Schema,
    where: SourceLocation,
  ): HclBlock[] {
    const node = collection(value);
    if (!node) {
      this.problems.add(
        type,
        `in JSON, "${type}" must be an object${labels ? " keyed by its labels" : ""} or a list of them`,
        locationOf(this.file, value),
      );
      return [];
    }
    if (node.type === "tuple") {
      return named(node)
        .filter((c) => c.type === "expression")
        .flatMap((item) => this.blocks(type, item, labels, labelsSoFar, labelWhere, schema, where));
    }
    if (labels === 0) {
      const bodyWhere = locationOf(this.file, node);
      return [{ type, labels: labelsSoFar, labelWhere, where: bodyWhere, body: this.body(node, schema, bodyWhere) }];
    }
    return named(node)
      .filter((c) => c.type === "object_elem")
      .flatMap((elem) => {
        const keyNode = elem.childForFieldName("key");
        const val = elem.childForFieldName("val");
        if (!keyNode || !val) return [];
        const label = JSON.parse(keyNode.text) as string;
        const at = locationOf(this.file, keyNode);
        return this.blocks(type, val, labels - 1, [...labelsSoFar, label], [...labelWhere, at], schema, at);
      });
  }

  /**
   * `"type": "list(string)"`: the string holds an expression. It is parsed at the string's own line and
   * column (padding the text before it), so errors inside it point into the JSON file.
   */
  private expressionInString(val: Node): Node | undefined {
    const literal = val.text;
    if (!literal.startsWith('"')) return val;
    const content = JSON.parse(literal) as string;
    const row = val.startPosition.row;
    const column = val.startPosition.column + 1; // the content starts after the quote
    const prefix = column >= 4 ? `${"\n".repeat(row)}${" ".repeat(column - 4)}x = ` : `${"\n".repeat(row)}x = `;
    const tree = this.trees.parse(`${prefix}${content}\n`, this.file);
    const attr = tree.rootNode.descendantsOfType("attribute")[0];
    const expr = attr?.namedChildren.find((c) => c?.type === "expression") ?? undefined;
    const bad = firstSyntaxError(tree.rootNode);
    if (!expr || bad) {
      this.problems.add("type", `invalid type expression ${literal}`, locationOf(this.file, val));
      return undefined;
    }
    return expr;
  }
}
