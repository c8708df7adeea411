import type { Node } from "web-tree-sitter";
import { KilnError, type SourceLocation } from "../../engine/errors";
import { locate } from "./errors";
import { formatNumber, type HclObject, type HclValue, isUnknown, makeObject, parseNumber, toSet } from "./values";

/**
 * Type expressions — variable type constraints (`type = list(object({ name = string, size = optional(number, 8) }))`)
 * and the second argument of `convert(value, type)`: read from the expression's syntax, as hcl's typeexpr
 * does (a type is not evaluated), and applied to values with cty's conversion rules, so `-var count=3`
 * becomes a number and a wrong shape is an error.
 */
export type HclType =
  | { readonly kind: "string" | "number" | "bool" | "any" }
  | { readonly kind: "list" | "set" | "map"; readonly of: HclType }
  | { readonly kind: "object"; readonly attrs: Readonly<Record<string, ObjectAttr>> }
  | { readonly kind: "tuple"; readonly items: readonly HclType[] };

export interface ObjectAttr {
  readonly type: HclType;
  readonly optional: boolean;
  readonly default?: HclValue;
}

/** Code `TYPE_SYNTAX`. */
export class TypeSyntaxError extends KilnError {
  constructor(
    message: string,
    readonly where: SourceLocation,
  ) {
    super("TYPE_SYNTAX", message, { context: { where } });
  }
}

export class TypeConversionError extends Error {}

const PRIMITIVES = new Set(["string", "number", "bool", "any"]);

function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

/** Unwraps `expression`/`collection_value`/`literal_value` wrappers (and parentheses) down to the node that matters. */
function core(node: Node): Node {
  let n = node;
  for (;;) {
    const kids = named(n);
    if (!["expression", "collection_value", "literal_value"].includes(n.type) || kids.length !== 1) return n;
    n = kids[0] as Node;
  }
}

/**
 * Reads a type expression. `evaluateDefault` evaluates the default of `optional(type, default)`, the one
 * place where a type contains a value.
 */
export function decodeType(
  node: Node,
  file: string,
  evaluateDefault: (node: Node) => HclValue,
  inObject = false,
): HclType {
  const n = core(node);
  const fail = (message: string, at: Node = n): never => {
    throw new TypeSyntaxError(message, locate(file, at));
  };
  if (n.type === "variable_expr") {
    if (n.nextSibling) fail("A type specification is a keyword such as string or list(string), not a reference.");
    if (PRIMITIVES.has(n.text)) return { kind: n.text as "string" };
    return fail(
      `The keyword "${n.text}" is not a valid type specification (use string, number, bool, any, list(…), set(…), map(…), object({…}) or tuple([…])).`,
    );
  }
  if (n.type === "string_lit" || n.type === "template_expr" || n.type === "quoted_template") {
    return fail(
      `A type specification is a keyword, not a quoted string: write ${n.text.replace(/^"|"$/g, "")} without quotes.`,
    );
  }
  if (n.type !== "function_call") return fail("Invalid type specification.");
  const name = named(n)[0]?.text ?? "";
  const argsNode = named(n).find((c) => c.type === "function_arguments");
  const args = argsNode ? named(argsNode).filter((c) => c.type === "expression") : [];
  const one = () => {
    if (args.length !== 1) fail(`The ${name} type constructor requires one argument specifying the element type.`);
    return args[0] as Node;
  };
  switch (name) {
    case "list":
    case "set":
    case "map":
      return { kind: name, of: decodeType(one(), file, evaluateDefault) };
    case "object": {
      const obj = core(one());
      if (obj.type !== "object")
        fail("The object type constructor requires one argument specifying the attribute types as a map.", obj);
      const attrs: Record<string, ObjectAttr> = {};
      for (const elem of named(obj).filter((c) => c.type === "object_elem")) {
        const key = elem.childForFieldName("key");
        const val = elem.childForFieldName("val");
        if (!key || !val) continue;
        const keyCore = core(key);
        const attrName =
          keyCore.type === "variable_expr"
            ? keyCore.text
            : keyCore.type === "string_lit"
              ? keyCore.text.slice(1, -1)
              : fail("Object constructor map keys must be attribute names.", key);
        const inner = core(val);
        if (inner.type === "function_call" && named(inner)[0]?.text === "optional") {
          const optArgsNode = named(inner).find((c) => c.type === "function_arguments");
          const optArgs = optArgsNode ? named(optArgsNode).filter((c) => c.type === "expression") : [];
          if (optArgs.length < 1 || optArgs.length > 2)
            fail("The optional modifier requires the attribute type and an optional default value.", inner);
          const type = decodeType(optArgs[0] as Node, file, evaluateDefault);
          const attr: ObjectAttr = { type, optional: true };
          if (optArgs[1]) {
            const raw = evaluateDefault(optArgs[1]);
            try {
              attrs[attrName] = { ...attr, default: convertValue(raw, type) };
            } catch (error) {
              fail(`Invalid default value for optional attribute: ${(error as Error).message}.`, optArgs[1]);
            }
          } else {
            attrs[attrName] = attr;
          }
        } else {
          attrs[attrName] = { type: decodeType(val, file, evaluateDefault, true), optional: false };
        }
      }
      return { kind: "object", attrs };
    }
    case "tuple": {
      const tuple = core(one());
      if (tuple.type !== "tuple")
        fail("The tuple type constructor requires one argument specifying the element types as a list.", tuple);
      return {
        kind: "tuple",
        items: named(tuple)
          .filter((c) => c.type === "expression")
          .map((e) => decodeType(e, file, evaluateDefault)),
      };
    }
    case "optional":
      return fail(
        inObject
          ? "Invalid type specification."
          : 'Keyword "optional" is valid only as a modifier for object type attributes.',
      );
    default:
      return fail(`Keyword "${name}" is not a valid type constructor.`);
  }
}

/** HCL's spelling of a type, for messages: `list(string)`, `object({name=string})`. */
export function typeString(t: HclType): string {
  switch (t.kind) {
    case "list":
    case "set":
    case "map":
      return `${t.kind}(${typeString(t.of)})`;
    case "object":
      return `object({${Object.entries(t.attrs)
        .map(([k, a]) => `${k}=${a.optional ? `optional(${typeString(a.type)})` : typeString(a.type)}`)
        .join(", ")}})`;
    case "tuple":
      return `tuple([${t.items.map(typeString).join(", ")}])`;
    default:
      return t.kind;
  }
}

/** The primitive type Packer infers from a default when no `type` is written; other defaults: any. */
export function typeOfDefault(value: HclValue): HclType {
  if (typeof value === "string") return { kind: "string" };
  if (typeof value === "number") return { kind: "number" };
  if (typeof value === "boolean") return { kind: "bool" };
  return { kind: "any" };
}

/**
 * Converts a value to a type as cty's convert package does: primitives convert through their text,
 * lists/sets/tuples from any sequence, maps/objects from any object; extra object attributes are dropped,
 * missing optional ones become null (or their default). Null converts to every type.
 */
export function convertValue(value: HclValue, type: HclType, path = ""): HclValue {
  const fail = (message: string): never => {
    throw new TypeConversionError(path ? `${path}: ${message}` : message);
  };
  if (value === null || isUnknown(value) || type.kind === "any") return value;
  switch (type.kind) {
    case "string":
      if (typeof value === "string") return value;
      if (typeof value === "number") return formatNumber(value);
      if (typeof value === "boolean") return value ? "true" : "false";
      return fail("string required");
    case "number": {
      if (typeof value === "number") return value;
      const n = typeof value === "string" ? parseNumber(value) : undefined;
      return n === undefined
        ? fail(typeof value === "string" ? `a number is required, got "${value}"` : "number required")
        : n;
    }
    case "bool":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      return fail(typeof value === "string" ? `a bool is required, got "${value}"` : "bool required");
    case "list":
    case "set": {
      if (!Array.isArray(value)) return fail(`${typeString(type)} required`);
      const items = value.map((item, i) => convertValue(item, type.of, `${path}[${i}]`));
      return type.kind === "set" ? toSet(items) : items;
    }
    case "tuple":
      if (!Array.isArray(value)) return fail(`${typeString(type)} required`);
      if (value.length !== type.items.length)
        return fail(`tuple required with ${type.items.length} elements, got ${value.length}`);
      return value.map((item, i) => convertValue(item, type.items[i] as HclType, `${path}[${i}]`));
    case "map": {
      if (!isPlainObject(value)) return fail(`${typeString(type)} required`);
      return makeObject(
        Object.entries(value).map(([k, v]) => [k, convertValue(v, type.of, `${path}[${JSON.stringify(k)}]`)]),
      );
    }
    case "object": {
      if (!isPlainObject(value)) return fail("object required");
      const out: [string, HclValue][] = [];
      for (const [name, attr] of Object.entries(type.attrs)) {
        if (Object.hasOwn(value, name) && value[name] !== null) {
          out.push([name, convertValue(value[name] as HclValue, attr.type, `${path}.${name}`)]);
        } else if (attr.optional) {
          out.push([name, attr.default ?? null]);
        } else if (Object.hasOwn(value, name)) {
          out.push([name, null]);
        } else {
          fail(`attribute "${name}" is required`);
        }
      }
      return makeObject(out);
    }
  }
}

function isPlainObject(value: HclValue): value is HclObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isUnknown(value);
}
