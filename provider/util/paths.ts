import { isAbsolute, resolve } from "node:path";

/** A path from a config, resolved against the build's base directory unless it is absolute. */
export function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}
