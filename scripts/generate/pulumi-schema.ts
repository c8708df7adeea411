import {
  postProcessorCommonFields,
  provisionerCommonFields,
  resourceFields,
  resourceOutputs,
  SECRET_OUTPUT_FIELDS,
} from "../../provider/pulumi/resource-fields";
import { camelCase, camelDoc, type PluginFields, pascalCase } from "./plugins";
import { type Field, type FieldType, fieldsOf } from "./walk";

/**
 * schema.json, the Pulumi package schema of `pulumi-resource-kiln`: `kiln:index:BakedImage` with every
 * inline builder's block, the provisioners and post-processors (one object type each, told apart by
 * `type`), the resource's own fields and outputs, plus the components. Rendered from the same walk of the
 * plugin schemas as the Node argument types, so the languages' SDKs and Node's cannot drift apart.
 */
const PKG = "kiln";
const token = (name: string) => `${PKG}:index:${name}`;
const ref = (name: string) => ({ $ref: `#/types/${token(name)}` });

// biome-ignore lint/suspicious/noExplicitAny: JSON schema fragments
type Json = Record<string, any>;

export interface ComponentSpec {
  readonly name: string;
  readonly description: string;
  readonly inputs: readonly Field[];
  readonly outputs: readonly Field[];
}

/** A field's doc for every language: Packer's snake_case names in backticks become the schema's camelCase. */
function describe(field: Field): string | undefined {
  return field.doc === undefined ? undefined : camelDoc(field.doc);
}

class SchemaWriter {
  readonly types: Record<string, Json> = {};
  /** The union spec of each kind's plugins (`pluginUnion`), for fields holding such a block. */
  readonly plugins: Partial<Record<"provisioner" | "post-processor", Json>> = {};

  typeSpec(type: FieldType, hint: string): Json {
    switch (type.kind) {
      case "string":
      case "boolean":
      case "number":
        return { type: type.kind };
      case "enum": {
        const kinds = [...new Set(type.values.map((v) => typeof v))];
        return kinds.length === 1 ? { type: kinds[0] } : { $ref: "pulumi.json#/Any" };
      }
      case "array":
        return { type: "array", items: this.typeSpec(type.element, hint) };
      case "record":
        return { type: "object", additionalProperties: this.typeSpec(type.value, hint) };
      case "union": {
        const options = type.options.map((o) => this.typeSpec(o, hint));
        const unique = [...new Map(options.map((o) => [JSON.stringify(o), o])).values()];
        return unique.length === 1 ? (unique[0] as Json) : { oneOf: unique };
      }
      case "object":
        this.objectType(hint, type.fields, new Set());
        return ref(hint);
      case "plugins": {
        const union = this.plugins[type.of];
        if (!union) throw new Error(`no ${type.of} union written before a field holding one`);
        return union;
      }
      default:
        return { $ref: "pulumi.json#/Any" };
    }
  }

  property(field: Field, hint: string, sensitive: ReadonlySet<string>): Json {
    const spec = this.typeSpec(field.type, `${hint}${pascalCase(field.name)}`);
    const values = field.type.kind === "enum" ? field.type.values : [];
    const oneOf = values.length ? ` One of ${values.map((v) => `\`${v}\``).join(", ")}.` : "";
    const doc = `${describe(field) ?? ""}${oneOf}`.trim();
    return { ...spec, ...(doc ? { description: doc } : {}), ...(sensitive.has(field.name) ? { secret: true } : {}) };
  }

  properties(fields: readonly Field[], hint: string, sensitive: ReadonlySet<string>): Json {
    return Object.fromEntries(fields.map((f) => [camelCase(f.name), this.property(f, hint, sensitive)]));
  }

  objectType(name: string, fields: readonly Field[], sensitive: ReadonlySet<string>, extra: Json = {}): void {
    const required = fields.filter((f) => f.required).map((f) => camelCase(f.name));
    this.types[token(name)] = {
      type: "object",
      ...extra,
      properties: { ...(extra.properties ?? {}), ...this.properties(fields, name, sensitive) },
      ...(required.length || extra.required ? { required: [...(extra.required ?? []), ...required] } : {}),
    };
  }

  /** One object type per plugin of a kind, with `type` as its discriminator; returns the union's spec. */
  pluginUnion(plugins: readonly PluginFields[], suffix: string, common: readonly Field[], description: string): Json {
    const mapping: Record<string, string> = {};
    for (const plugin of plugins) {
      const name = `${pascalCase(plugin.type)}${suffix}`;
      const own = new Set(plugin.fields.map((f) => f.name));
      this.objectType(name, [...plugin.fields, ...common.filter((f) => !own.has(f.name))], plugin.sensitive, {
        description: `Packer's \`${plugin.type}\` ${description}.`,
        properties: { type: { type: "string", const: plugin.type, description: `\`${plugin.type}\`` } },
        required: ["type"],
      });
      mapping[plugin.type] = `#/types/${token(name)}`;
    }
    return {
      oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
      discriminator: { propertyName: "type", mapping },
    };
  }
}

export function renderPulumiSchema(
  plugins: readonly PluginFields[],
  options: { version: string; components: readonly ComponentSpec[] },
): string {
  const w = new SchemaWriter();
  const none = new Set<string>();
  const builders = plugins.filter((p) => p.kind === "builder" && p.inlineKey);
  w.plugins.provisioner = w.pluginUnion(
    plugins.filter((p) => p.kind === "provisioner"),
    "Provisioner",
    fieldsOf(provisionerCommonFields),
    "provisioner",
  );
  w.plugins["post-processor"] = w.pluginUnion(
    plugins.filter((p) => p.kind === "post-processor"),
    "PostProcessor",
    fieldsOf(postProcessorCommonFields),
    "post-processor",
  );
  const builderInputs = Object.fromEntries(
    builders.map((b) => {
      const name = pascalCase(b.type);
      w.objectType(name, b.fields, b.sensitive, {
        description: `Packer's \`${b.type}\` builder, its fields in camelCase.`,
      });
      return [
        b.inlineKey,
        {
          ...ref(name),
          description: `Bake with Packer's \`${b.type}\` builder. Set exactly one builder, or \`template\`.`,
        },
      ];
    }),
  );
  const outputs = fieldsOf(resourceOutputs);
  const bakedImage = {
    description:
      "A machine image baked by Kiln when the stack is deployed: the build runs in the resource's create step (its output streamed to the display) and the image's ID is an output. Editing a script the build runs replaces the image (new one first); editing tags updates it in place.",
    inputProperties: {
      ...builderInputs,
      ...w.properties(fieldsOf(resourceFields), "BakedImage", none),
    },
    properties: w.properties(outputs, "BakedImage", new Set(SECRET_OUTPUT_FIELDS)),
    required: outputs.filter((f) => f.required).map((f) => camelCase(f.name)),
  };
  const resources: Json = { [token("BakedImage")]: bakedImage };
  for (const c of options.components) {
    const required = (fields: readonly Field[]) => fields.filter((f) => f.required).map((f) => camelCase(f.name));
    resources[token(c.name)] = {
      isComponent: true,
      description: c.description,
      inputProperties: w.properties(c.inputs, c.name, none),
      requiredInputs: required(c.inputs),
      properties: w.properties(c.outputs, c.name, none),
      required: required(c.outputs),
    };
  }
  const schema = {
    name: PKG,
    displayName: "Kiln",
    version: options.version,
    description: "Bake machine images as infrastructure-as-code resources, with a Packer-compatible build engine.",
    keywords: ["pulumi", "kiln", "packer", "ami", "images", "category/infrastructure", "kind/native"],
    license: "MPL-2.0",
    publisher: "Kiln",
    meta: { moduleFormat: "(.*)" },
    config: {},
    provider: { description: "The Kiln provider: it needs no configuration (each image carries its credentials)." },
    resources,
    types: Object.fromEntries(Object.entries(w.types).sort(([a], [b]) => a.localeCompare(b))),
    language: {
      nodejs: { packageName: "@kiln-iac/pulumi", dependencies: { "@pulumi/pulumi": "^3.0.0" } },
      python: { packageName: "pulumi_kiln", requires: { pulumi: ">=3.0.0,<4.0.0" } },
      go: { importBasePath: "github.com/kiln-iac/kiln/sdk/go/kiln", generateResourceContainerTypes: false },
      csharp: { rootNamespace: "Kiln", packageReferences: { Pulumi: "3.*" } },
    },
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
