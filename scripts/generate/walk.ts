import { z } from "zod";

/**
 * A plugin schema as plain data: what every generator needs (Pulumi and CDKTF argument types, the
 * README's field tables, a Pulumi package schema.json) without knowing zod's internals. One walk, many
 * renderings: a new output format reads `FieldType`, never the zod schema.
 */
export type FieldType =
  | { readonly kind: "string" | "number" | "boolean" | "unknown" }
  | { readonly kind: "enum"; readonly values: readonly (string | number | boolean)[] }
  | { readonly kind: "array"; readonly element: FieldType }
  | { readonly kind: "record"; readonly value: FieldType }
  | { readonly kind: "union"; readonly options: readonly FieldType[] }
  | {
      readonly kind: "object";
      readonly fields: readonly Field[];
      /** A generated interface's name and doc (`.meta({ typeName, description })` on the object). */
      readonly typeName?: string;
      readonly typeDoc?: string;
    }
  /** A provisioner or post-processor block: the union of that kind's plugins (`pluginBlock`). */
  | { readonly kind: "plugins"; readonly of: "provisioner" | "post-processor" };

export interface Field {
  /** Packer's name, as the schema spells it (`ami_name`). */
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  /** The field's one-line doc (`.describe()`), `@default` included. */
  readonly doc?: string;
  /** The doc for front ends taking plain values (CDKTF), where it must differ (`.meta({ plain })`). */
  readonly plainDoc?: string;
  /** Everything `.meta()` registered on the field and what it wraps (the outer wins): a generator's own keys. */
  readonly meta: Readonly<Record<string, unknown>>;
}

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definition is untyped across schema kinds
type Def = any;

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** What `.describe()` and `.meta()` registered; `plain`, `plugins`, `typeName` are Kiln's own keys. */
function metaOf(
  schema: z.ZodType,
):
  | ({ description?: string; plain?: string; plugins?: string; typeName?: string } & Record<string, unknown>)
  | undefined {
  return z.globalRegistry.get(schema) as ReturnType<typeof metaOf>;
}

/**
 * The doc `.describe()` or `.meta()` gave, with `@default <value>` written from a `defaultValue` (a constant
 * the code uses, so doc and code cannot disagree).
 */
function docOf(schema: z.ZodType): string | undefined {
  const meta = metaOf(schema);
  if (meta?.defaultValue === undefined) return meta?.description;
  return `${meta.description ? `${meta.description} ` : ""}@default ${JSON.stringify(meta.defaultValue)}`;
}

/** Wrappers that do not change the field's shape: optional, default, nullable, pipes. */
function unwrap(schema: z.ZodType): {
  inner: z.ZodType;
  optional: boolean;
  doc?: string;
  plainDoc?: string;
  meta: Record<string, unknown>;
} {
  let current = schema;
  let optional = false;
  let doc = docOf(current);
  let plainDoc = metaOf(current)?.plain;
  let meta: Record<string, unknown> = { ...metaOf(current) };
  for (;;) {
    const def = defOf(current);
    if (def.type === "optional" || def.type === "default" || def.type === "prefault") optional = true;
    if (["optional", "default", "prefault", "nullable", "readonly", "nonoptional"].includes(def.type)) {
      current = def.innerType;
    } else if (def.type === "pipe") {
      // `z.preprocess` (a transform feeding a schema): the schema is what callers write. Otherwise the
      // input side is (`duration`: a string or a number, transformed to milliseconds).
      current = defOf(def.in).type === "transform" ? def.out : def.in;
    } else break;
    doc ??= docOf(current);
    plainDoc ??= metaOf(current)?.plain;
    meta = { ...metaOf(current), ...meta };
  }
  return { inner: current, optional, doc, plainDoc, meta };
}

export function fieldType(schema: z.ZodType): FieldType {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  const plugins = metaOf(inner)?.plugins;
  if (plugins === "provisioner" || plugins === "post-processor") return { kind: "plugins", of: plugins };
  switch (def.type) {
    case "string":
      return { kind: "string" };
    case "number":
    case "int":
      return { kind: "number" };
    case "boolean":
      return { kind: "boolean" };
    case "enum":
      return { kind: "enum", values: Object.values(def.entries) };
    case "literal":
      return { kind: "enum", values: def.values };
    case "array":
      return { kind: "array", element: fieldType(def.element) };
    case "record":
      return { kind: "record", value: fieldType(def.valueType) };
    case "union":
      return { kind: "union", options: def.options.map(fieldType) };
    case "object": {
      const own = metaOf(inner);
      return {
        kind: "object",
        fields: fieldsOf(inner),
        ...(own?.typeName ? { typeName: own.typeName, typeDoc: own.description } : {}),
      };
    }
    default:
      return { kind: "unknown" };
  }
}

/** The fields of an object schema (after unwrapping), in declaration order. */
export function fieldsOf(schema: z.ZodType): Field[] {
  const { inner } = unwrap(schema);
  const def = defOf(inner);
  if (def.type !== "object") throw new Error(`expected an object schema, got ${def.type}`);
  return Object.entries(def.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { optional, doc, plainDoc, meta } = unwrap(field);
    return { name, type: fieldType(field), required: !optional, doc, ...(plainDoc ? { plainDoc } : {}), meta };
  });
}
