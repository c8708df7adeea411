// The names an expression reads, to order locals and variables by dependency before evaluating them.
import type { Node } from "web-tree-sitter";
import { all, named } from "./eval-context";

/**
 * Names an expression reads, as `root.attr` (`local.a`, `var.b`, `path.root`) or `root` when no attribute
 * follows (`each`). Iterator names bound by `for` expressions inside the node are not references.
 */
export function referencedNames(node: Node): string[] {
  const found = new Set<string>();
  const visit = (n: Node, bound: ReadonlySet<string>): void => {
    if (n.type === "variable_expr") {
      const root = n.text;
      if (bound.has(root)) return;
      const next = n.nextSibling;
      const attr = next?.type === "get_attr" ? named(next)[0]?.text : undefined;
      found.add(attr ? `${root}.${attr}` : root);
      return;
    }
    if (n.type === "for_tuple_expr" || n.type === "for_object_expr" || n.type === "template_for") {
      const intro = named(n).find((c) => c.type === "for_intro" || c.type === "template_for_start")!;
      const names = named(intro).filter((c) => c.type === "identifier");
      const coll = named(intro).find((c) => c.type === "expression");
      if (coll) visit(coll, bound);
      const inner = new Set([...bound, ...names.map((c) => c.text)]);
      for (const c of named(n)) if (c !== intro) visit(c, inner);
      return;
    }
    if (n.type === "function_call" && named(n)[0]?.text === "convert") {
      // convert()'s second argument is a type (`list(string)`), whose keywords are not references.
      const args = named(n).find((c) => c.type === "function_arguments");
      const value = args ? named(args).find((c) => c.type === "expression") : undefined;
      if (value) visit(value, bound);
      return;
    }
    if (n.type === "object_elem") {
      // `{ a = x }`: a bare identifier key is a literal name, not a reference.
      const key = n.childForFieldName("key");
      const keyKids = key ? all(key) : [];
      const literalKey = keyKids.length === 1 && keyKids[0]!.type === "variable_expr";
      for (const c of named(n)) if (!(literalKey && c.equals(key!))) visit(c, bound);
      return;
    }
    for (const c of named(n)) visit(c, bound);
  };
  visit(node, new Set());
  return [...found];
}
