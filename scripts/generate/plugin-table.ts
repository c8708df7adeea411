import { postProcessorCommonFields, provisionerCommonFields } from "../../provider/pulumi/resource-fields";
import type { PluginFields } from "./plugins";
import { markdownTable } from "./readme-region";
import { fieldsOf } from "./walk";

/** GitHub's anchor for a heading of provider/generated/fields.md (`## builder \`amazon-ebs\``). */
function anchor(plugin: PluginFields): string {
  return `${plugin.kind} ${plugin.type}`
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-");
}

const names = (fields: { name: string }[]) => fields.map((f) => `\`${f.name}\``).join(", ");

/** The README's table of plugins, from the descriptors: what each does and a link to its fields. */
export function renderPluginTable(plugins: readonly PluginFields[]): string {
  return [
    markdownTable(
      ["kind", "type", "what it does", "fields"],
      plugins.map((p) => [
        p.kind,
        `\`${p.type}\``,
        p.summary,
        `[${p.fields.length}](provider/generated/fields.md#${anchor(p)})`,
      ]),
    ),
    "",
    `Every provisioner also takes ${names(fieldsOf(provisionerCommonFields))}; every post-processor ` +
      `${names(fieldsOf(postProcessorCommonFields))}.`,
    "",
  ].join("\n");
}
