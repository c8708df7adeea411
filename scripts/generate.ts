/**
 * `make generate`: writes the files derived from the plugin schemas (Pulumi argument types, the field
 * tables, the README's plugin table) so they are never restated by hand. `--check` writes nothing and fails when a committed file
 * differs from what the schemas give (run by the test suite).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { generatedFiles } from "./generate/outputs";

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  // scripts/ run by tsx, or dist/scripts/ once compiled: the repository root is above either.
  const above = join(__dirname, "..");
  const root = basename(above) === "dist" ? join(above, "..") : above;
  const stale: string[] = [];
  for (const [path, content] of Object.entries(generatedFiles(root))) {
    const file = join(root, path);
    let current: string | undefined;
    try {
      current = readFileSync(file, "utf8");
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    if (check) stale.push(path);
    else {
      writeFileSync(file, content);
      process.stdout.write(`wrote ${path}\n`);
    }
  }
  if (stale.length) {
    process.stderr.write(`stale generated files (run \`make generate\`): ${stale.join(", ")}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
