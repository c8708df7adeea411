import { kilnVersion } from "../../provider/util/version";
import { renderFieldTables } from "./field-tables";
import { immutableFleetComponent } from "./fleet-component";
import { allPlugins, isArgsPlugin } from "./plugins";
import { renderPlainArgs, renderPulumiArgs } from "./pulumi-args";
import { renderPulumiSchema } from "./pulumi-schema";

/** Every generated file, by path from the repository root, with the content the schemas give. */
export function generatedFiles(): Record<string, string> {
  const plugins = allPlugins();
  return {
    "provider/generated/pulumi-args.ts": renderPulumiArgs(plugins.filter(isArgsPlugin)),
    "provider/generated/plain-args.ts": renderPlainArgs(plugins.filter(isArgsPlugin)),
    "provider/generated/fields.md": renderFieldTables(plugins),
    "schema.json": renderPulumiSchema(plugins.filter(isArgsPlugin), {
      version: kilnVersion(),
      components: [immutableFleetComponent],
    }),
  };
}
