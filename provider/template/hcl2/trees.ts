import type { Tree } from "web-tree-sitter";
import { parseHcl } from "../expr/parser";

/**
 * The tree-sitter trees one load parsed. web-tree-sitter keeps trees in WASM memory that JavaScript's
 * garbage collector does not free, and a long-lived process (the Pulumi provider) loads templates again
 * and again; BuildSpecs hold only plain data, so every tree is deleted once the load ends.
 */
export class Trees {
  private readonly trees: Tree[] = [];

  parse(text: string, file: string): Tree {
    const tree = parseHcl(text, file);
    this.trees.push(tree);
    return tree;
  }

  dispose(): void {
    for (const tree of this.trees.splice(0)) tree.delete();
  }
}
