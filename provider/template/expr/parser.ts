// One tree-sitter HCL parser for the whole process: the template loader parses files with it and the
// evaluator walks the nodes it produces. web-tree-sitter's WASM runtime must be initialised once
// (Parser.init) before any Language loads, so everything goes through loadHclParser().
import { readFile } from "node:fs/promises";
import type { Node, Parser, Tree } from "web-tree-sitter";
import { internalError, KilnError } from "../../engine/errors";

let loading: Promise<Parser> | undefined;
let loaded: Parser | undefined;

/** Source text of every tree parsed here: tree-sitter drops whitespace between template chunks, the evaluator needs it. */
const sources = new WeakMap<Tree, { text: string; file: string }>();

/** Loads (once) and returns the shared parser for the HCL grammar. */
export function loadHclParser(): Promise<Parser> {
  loading ??= (async () => {
    // Required here, not imported at the top: a JSON template never parses HCL, so `kiln validate x.json`
    // does not load the runtime (~160 KB of JavaScript).
    const { Language, Parser } = require("web-tree-sitter") as typeof import("web-tree-sitter");
    await Parser.init();
    const wasm = require.resolve("@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm");
    // Given the bytes, not the path: for a path, web-tree-sitter reads the file through a dynamic
    // `import()`, which sets up Node's ES module loader (translators, module jobs) in every `kiln` run.
    const language = await Language.load(await readFile(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    loaded = parser;
    return parser;
  })();
  return loading;
}

/** The parser if loadHclParser() has already resolved, for synchronous callers. */
export function hclParserIfLoaded(): Parser | undefined {
  return loaded;
}

/**
 * Parses a whole HCL file (or a single expression wrapped by parseExpression). Requires loadHclParser() to
 * have resolved. The tree remembers its text and file name for the evaluator and for error positions.
 */
export function parseHcl(text: string, file: string): Tree {
  if (!loaded) throw internalError("parseHcl: call `await loadHclParser()` first");
  const parser = loaded;
  const parse = (input: string) => {
    const tree = parser.parse(input);
    if (!tree)
      throw new KilnError("PARSE_FAILED", `tree-sitter could not parse ${file}`, { context: { resource: file } });
    return tree;
  };
  let tree = parse(text);
  // tree-sitter-hcl reads a number with an exponent but no fraction (`1e3`, `2E-2`) as `1` followed by a
  // syntax error. Such a literal is parsed again as digits of the same length, so every position stays;
  // the evaluator reads the number's value from the original text (numberText).
  for (let masked = text, round = 0; tree.rootNode.hasError && round < 8; round++) {
    const next = maskExponents(tree, masked);
    if (next === masked) break;
    tree.delete();
    masked = next;
    tree = parse(masked);
  }
  sources.set(tree, { text, file });
  return tree;
}

/** An exponent right after a number literal's digits, which the grammar does not take as part of it. */
const BARE_EXPONENT = /^[eE][-+]?\d+/;

function maskExponents(tree: Tree, text: string): string {
  let out = text;
  for (const lit of tree.rootNode.descendantsOfType("numeric_lit")) {
    if (!lit) continue;
    const exponent = BARE_EXPONENT.exec(text.slice(lit.endIndex));
    if (!exponent) continue;
    const end = lit.endIndex + exponent[0].length;
    out = out.slice(0, lit.startIndex) + "0".repeat(end - lit.startIndex) + out.slice(end);
  }
  return out;
}

/** A number literal's text as written (the tree holds a masked copy of exponent forms, see parseHcl). */
export function numberText(node: Node): string {
  const known = sources.get(node.tree);
  return known ? known.text.slice(node.startIndex, node.endIndex) : node.text;
}

/** The full source text of the tree a node belongs to. */
export function sourceOf(node: Node): string {
  const known = sources.get(node.tree);
  if (known) return known.text;
  // A tree parsed elsewhere: the root spans the text tree-sitter saw, minus leading/trailing trivia.
  const root = node.tree.rootNode;
  return " ".repeat(root.startIndex) + root.text;
}

/** The file name given to parseHcl, if the tree came from it. */
export function fileOf(node: Node): string | undefined {
  return sources.get(node.tree)?.file;
}

/** First syntax error in a subtree (ERROR or MISSING node), for a Packer-like "Invalid expression" message. */
export function firstSyntaxError(node: Node): Node | undefined {
  if (!node.hasError) return undefined;
  if (node.type === "ERROR" || node.isMissing) return node;
  for (const child of node.children) {
    if (!child) continue;
    const bad = firstSyntaxError(child);
    if (bad) return bad;
  }
  return node;
}
