import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { internalError } from "../engine/errors";

let cached: { root: string; version: string } | undefined;

/** Kiln's package: its folder and version, found from this file whether run from source or from dist/. */
function kilnPackage(): { root: string; version: string } | undefined {
  if (cached) return cached;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "package.json");
    if (!existsSync(candidate)) continue;
    const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "kiln" && pkg.version) {
      cached = { root: dir, version: pkg.version };
      return cached;
    }
  }
  return undefined;
}

/** Kiln's version from its package.json. */
export function kilnVersion(): string {
  return kilnPackage()?.version ?? "0.0.0";
}

/** The folder holding Kiln's package.json (and schema.json beside it). */
export function kilnPackageRoot(): string {
  const found = kilnPackage();
  if (!found) throw internalError(`Kiln's package.json was not found above ${__dirname}`);
  return found.root;
}
