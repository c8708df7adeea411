import { renderFieldTables } from "./field-tables";
import { allPlugins, isArgsPlugin } from "./plugins";
import { renderPulumiArgs } from "./pulumi-args";

/** Every generated file, by path from the repository root, with the content the schemas give. */
export function generatedFiles(): Record<string, string> {
  const plugins = allPlugins();
  return {
    "provider/generated/pulumi-args.ts": renderPulumiArgs(plugins.filter(isArgsPlugin)),
    "provider/generated/fields.md": renderFieldTables(plugins),
  };
}
