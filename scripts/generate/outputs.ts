import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fleetSettings, PULUMI_FLEET_ARGS } from "../../provider/fleet/settings";
import { kilnVersion } from "../../provider/util/version";
import { renderArgsTable } from "./args-table";
import { renderFieldTables } from "./field-tables";
import { renderFleetArgKinds, renderFleetArgs } from "./fleet-args";
import { immutableFleetComponent } from "./fleet-component";
import { renderPluginTable } from "./plugin-table";
import { allPlugins, isArgsPlugin } from "./plugins";
import { renderPlainArgs, renderPulumiArgs } from "./pulumi-args";
import { renderPulumiSchema } from "./pulumi-schema";
import { replaceRegion } from "./readme-region";
import { fieldsOf } from "./walk";

/**
 * Every generated file, by path from the repository root (`root`: where the READMEs' hand-written parts
 * are read), with the content the schemas give.
 */
export function generatedFiles(root: string): Record<string, string> {
  const plugins = allPlugins();
  const region = (file: string, name: string, body: string) =>
    replaceRegion(readFileSync(join(root, file), "utf8"), name, body, file);
  return {
    "README.md": region("README.md", "plugins", renderPluginTable(plugins)),
    "provider/pulumi/README.md": replaceRegion(
      region("provider/pulumi/README.md", "arguments", renderArgsTable(plugins.filter(isArgsPlugin))),
      "fleet-arguments",
      renderFleetArgKinds(PULUMI_FLEET_ARGS),
      "provider/pulumi/README.md",
    ),
    "provider/generated/pulumi-args.ts": renderPulumiArgs(plugins.filter(isArgsPlugin)),
    "provider/generated/plain-args.ts": renderPlainArgs(plugins.filter(isArgsPlugin)),
    "provider/generated/fields.md": renderFieldTables(plugins),
    "provider/generated/fleet-args.ts": renderFleetArgs(fieldsOf(fleetSettings)),
    "schema.json": renderPulumiSchema(plugins.filter(isArgsPlugin), {
      version: kilnVersion(),
      components: [immutableFleetComponent],
    }),
  };
}
