import type { Node } from "web-tree-sitter";
import { ConfigError, type SourceLocation } from "../../engine/errors";
import { readText, type TemplateFile } from "../files";
import { JsonSyntaxError, parseJsonDocument } from "../json-source";
import type { Problems } from "../problems";
import { locationOf, readTree } from "./body";
import { hclSyntaxProblems } from "./syntax";
import type { Trees } from "./trees";

/** One `name = value` from a `*.pkrvars.hcl` or `.json` file. */
export interface VarAssignment {
  readonly name: string;
  readonly expr: Node;
  readonly where: SourceLocation;
}

/**
 * Reads a variable file: HCL (`name = value` lines) or JSON (`{"name": value}`). HCL syntax errors come
 * from hcl2json, JSON ones from our JSON reader; the values are expression nodes, evaluated by the caller.
 */
export async function readVarFile(file: TemplateFile, problems: Problems, trees: Trees): Promise<VarAssignment[]> {
  let text: string;
  try {
    text = await readText(file, "var-file");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.addAll(error.problems);
    return [];
  }
  if (file.path.endsWith(".json")) return readJsonVarFile(text, file.display, problems, trees);
  if (!file.path.endsWith(".hcl")) {
    problems.add("var-file", `cannot tell the format of ${file.display}: a var file must end in .hcl or .json`);
    return [];
  }
  // As for templates: HashiCorp's parser only for the message when tree-sitter finds an error.
  const syntax = trees.parse(text, file.display).rootNode.hasError ? await hclSyntaxProblems(text, file.display) : [];
  if (syntax.length) {
    problems.addAll(syntax);
    return [];
  }
  const body = readTree(text, file.display, problems, trees);
  if (!body) return [];
  for (const block of body.blocks) {
    problems.add(
      block.type === "variable" ? `variable "${block.labels[0] ?? ""}"` : block.type,
      block.type === "variable"
        ? `a var file assigns values to variables declared in .pkr.hcl files; it cannot declare one. Write ${block.labels[0] ?? "name"} = <value> here, and put the variable block in a .pkr.hcl file`
        : "a var file may only contain name = value assignments",
      block.where,
    );
  }
  return body.attributes.map((a) => ({ name: a.name, expr: a.expr, where: a.where }));
}

function readJsonVarFile(text: string, file: string, problems: Problems, trees: Trees): VarAssignment[] {
  try {
    const doc = parseJsonDocument(text, file);
    if (typeof doc.value !== "object" || doc.value === null || Array.isArray(doc.value)) {
      problems.add("var-file", "a JSON var file must be an object of name → value", doc.values.get(""));
      return [];
    }
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    problems.add("var-file", error.message, error.where);
    return [];
  }
  // tree-sitter reads a JSON object as an HCL object expression, keeping every value's position.
  const root = trees.parse(text, file).rootNode;
  const object = root.namedChildren.find((c) => c?.type === "object");
  if (!object || root.hasError) {
    problems.add("var-file", "cannot read this JSON as HCL values (unsupported escape such as \\/ ?)", {
      file,
      line: 1,
    });
    return [];
  }
  const out: VarAssignment[] = [];
  for (const elem of object.namedChildren) {
    if (elem?.type !== "object_elem") continue;
    const key = elem.childForFieldName("key");
    const val = elem.childForFieldName("val");
    if (!key || !val) continue;
    out.push({ name: JSON.parse(key.text) as string, expr: val, where: locationOf(file, key) });
  }
  return out;
}
