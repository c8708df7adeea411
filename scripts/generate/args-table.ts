import type { z } from "zod";
import {
  postProcessorCommonFields,
  provisionerCommonFields,
  resourceFields,
} from "../../provider/pulumi/resource-fields";
import { typeText } from "./field-tables";
import { type ArgsPlugin, camelCase, camelDoc } from "./plugins";
import { markdownTable } from "./readme-region";
import { type FieldType, fieldsOf } from "./walk";

const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(", ");

/** A field's type, a provisioner or post-processor block named by the types it may be. */
function typeCell(type: FieldType, plugins: readonly ArgsPlugin[]): string {
  switch (type.kind) {
    case "plugins": {
      const types = plugins.filter((p) => p.kind === type.of).map((p) => `\`${p.type}\``);
      return `${types.slice(0, -1).join(", ")} or ${types.at(-1)} ${type.of}`;
    }
    case "array":
      return `list of ${typeCell(type.element, plugins)}`;
    case "union": {
      // A block or a list of blocks of the same kind: Packer's chain of post-processors.
      const [one, many] = type.options;
      if (
        type.options.length === 2 &&
        one?.kind === "plugins" &&
        many?.kind === "array" &&
        many.element.kind === "plugins"
      )
        return `${typeCell(one, plugins)}, or a chain (list) of them`;
      return type.options.map((o) => typeCell(o, plugins)).join(", or ");
    }
    default:
      return typeText(type);
  }
}

/**
 * provider/pulumi/README.md's table of the BakedImage arguments: each builder key, then the resource's
 * own fields with their docs (resource-fields.ts), as the generated `BakedImageArgs` has them.
 */
export function renderArgsTable(plugins: readonly ArgsPlugin[]): string {
  const builders = plugins.filter((p) => p.kind === "builder" && p.inlineKey);
  const common = (fields: z.ZodType) => code(fieldsOf(fields).map((f) => camelCase(f.name)));
  return [
    markdownTable(
      ["argument", "type", "description"],
      [
        ...builders.map((b) => [
          `\`${b.inlineKey}\``,
          "block",
          `Packer's \`${b.type}\` builder, every field in camelCase ([its fields](../generated/fields.md#builder-${b.type})); Packer's snake_case names are accepted too. Set exactly one builder, or \`template\`.`,
        ]),
        ...fieldsOf(resourceFields).map((f) => [
          `\`${camelCase(f.name)}\``,
          typeCell(f.type, plugins),
          camelDoc(f.doc ?? ""),
        ]),
      ],
    ),
    "",
    `Every provisioner also takes ${common(provisionerCommonFields)}; every post-processor ${common(postProcessorCommonFields)}.`,
    "",
  ].join("\n");
}
