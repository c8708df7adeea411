import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Where a dynamic provider's implementation lives, for `loadRuntime`: resolved in the program, so the
 * serialized provider captures only these strings. `.js` after a build, `.ts` when run from source.
 */
export function runtimeLocation(dir: string, base: string, packageName: string): { file: string; packageName: string } {
  const file =
    [".js", ".ts"].map((ext) => join(dir, `${base}${ext}`)).find((f) => existsSync(f)) ?? join(dir, `${base}.js`);
  return { file, packageName };
}

/**
 * Loads a provider's implementation inside Pulumi's dynamic provider host, a plain Node process started in
 * the project directory. The provider object is serialized into the resource's `__provider` input and
 * must capture nothing but text (no SDK clients, no native modules), so each method `require`s this,
 * by absolute path, falling back on the package name when the project has moved since the deploy.
 */
export function loadRuntime<T>(location: { file: string; packageName: string }): T {
  try {
    return require(location.file);
  } catch (error) {
    const notFound = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    if (!notFound || !String((error as Error).message).includes(location.file)) throw error;
    return require(location.packageName);
  }
}
