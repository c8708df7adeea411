import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * How to run this installation's `kiln` CLI: the compiled one next to this module, or, in a source
 * checkout (tests run the TypeScript), the source through tsx. Absolute paths and this Node: the
 * command runs later from Terraform, in another directory, maybe with another PATH.
 */
export function kilnCommand(): string[] {
  const compiled = join(__dirname, "../../provider/cli/main.js");
  if (existsSync(compiled)) return [process.execPath, compiled];
  const tsx = join(dirname(require.resolve("tsx/package.json")), "dist/loader.mjs");
  return [process.execPath, "--import", pathToFileURL(tsx).href, join(__dirname, "../../provider/cli/main.ts")];
}
