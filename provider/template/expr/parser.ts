// One tree-sitter HCL parser for the whole process: the template loader parses files with it and the
// evaluator walks the nodes it produces. web-tree-sitter's WASM runtime must be initialised once
// (Parser.init) before any Language loads, so everything goes through loadHclParser().
import { Language, type Node, Parser, type Tree } from "web-tree-sitter";

let loading: Promise<Parser> | undefined;
let loaded: Parser | undefined;

/** Source text of every tree parsed here: tree-sitter drops whitespace between template chunks, the evaluator needs it. */
const sources = new WeakMap<Tree, { text: string; file: string }>();

/** Loads (once) and returns the shared parser for the HCL grammar. */
export function loadHclParser(): Promise<Parser> {
  loading ??= (async () => {
    await Parser.init();
    const wasm = require.resolve("@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm");
    const language = await Language.load(wasm);
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
  if (!loaded) throw new Error("parseHcl: call `await loadHclParser()` first");
  const tree = loaded.parse(text);
  if (!tree) throw new Error(`tree-sitter could not parse ${file}`);
  sources.set(tree, { text, file });
  return tree;
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
