import { readFileSync } from "node:fs";
import * as path from "node:path";

let cached: string | undefined;

/**
 * Kiln's version, for `packer.version` and `{{packer_version}}`: read from Kiln's own package.json, found
 * by walking up from this file so it works from the sources and from dist/ alike.
 */
export function kilnVersion(): string {
  cached ??= findVersion();
  return cached;
}

function findVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "kiln" && pkg.version) return pkg.version;
    } catch {
      // no package.json here; keep walking up
    }
    if (path.dirname(dir) === dir) return "0.0.0";
  }
}

const CONSTRAINT = /^\s*(?:=|!=|>=|<=|>|<|~>)?\s*v?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*$/;

/**
 * Checks the syntax of a version constraint (`>= 1.7.0, < 2`), as go-version parses them. Kiln is not
 * Packer, so the constraint is not compared with any version: a template that needs a newer Packer
 * feature fails on that feature, with its line.
 */
export function isVersionConstraint(text: string): boolean {
  return text.split(",").every((part) => CONSTRAINT.test(part));
}

export function isVersion(text: string): boolean {
  return /^\s*v?\d+(?:\.\d+){0,2}(?:-[0-9A-Za-z.-]+)?\s*$/.test(text);
}
