import { renderFieldTables } from "./field-tables";
import { allPlugins } from "./plugins";
import { renderPulumiArgs } from "./pulumi-args";

/** Every generated file, by path from the repository root, with the content the schemas give. */
export async function generatedFiles(): Promise<Record<string, string>> {
  const plugins = await allPlugins();
  return {
    "provider/generated/pulumi-args.ts": renderPulumiArgs(plugins),
    "provider/generated/fields.md": renderFieldTables(plugins),
  };
}
