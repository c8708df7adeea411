/**
 * Loads the bundled CLI (kiln-bundle.js) with a V8 code cache taken at the end of a run.
 *
 * Node's compile cache (module.enableCompileCache) stores the code V8 made while compiling a file, which
 * for a bundle is little more than its top level: every module body and every function a command runs is
 * compiled lazily, again in each run (~35 ms of a `kiln validate`, measured). A code cache made after the
 * run holds those too. So the bundle is compiled here as Node's CommonJS loader would (same wrapper,
 * file name and require), and the first run of each command leaves `script.createCachedData()` for the
 * next, in Node's compile cache directory beside Node's own entries.
 *
 * The entry is named by the bundle file, its size and change time, and the command (what a run compiles
 * depends on it). V8 refuses a cache made by another V8 or with other flags; a refused or unreadable
 * entry is made again, and a new one replaces the bundle's older ones. Without a compile cache directory
 * (NODE_DISABLE_COMPILE_CACHE, or a Node without one) the bundle is required as before.
 */
import { isAscii } from "node:buffer";
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";

type NodeModuleApi = {
  getCompileCacheDir?: () => string | undefined;
  getSourceMapsSupport?: () => { enabled: boolean };
};

/** The bundle's exports; `argv` names the command, whose cache entry is used or left for the next run. */
export function loadBundle<T>(file: string, argv: readonly string[]): T {
  const api = nodeModule as NodeModuleApi;
  const dir = api.getCompileCacheDir?.();
  // Node maps stack traces through the bundle's source map (--enable-source-maps) only for what its
  // own loader compiled: a run asking for that gets the plain `require`.
  if (!dir || api.getSourceMapsSupport?.().enabled) return require(file) as T;
  const { dev, ino, size, ctimeMs } = statSync(file);
  const command = commandOf(argv);
  // Node's directory is already one per Node version and V8 flags. The file is named by the bundle's
  // inode, and its contents by size and change time: the kernel sets the change time at every write, also
  // where an installer restores modification times (npm does), so a rebuilt bundle never meets an old entry.
  const bundleId = `kiln-${dev}-${ino}-`;
  const entry = join(dir, `${bundleId}${size}-${ctimeMs}-${command}.cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(entry);
  } catch {
    // First run of this command with this bundle: the cache is written when it ends.
  }
  // The wrapper is Node's own; it goes before the first line, so a hashbang there would no longer be the
  // script's first characters: it is blanked, keeping every line number of stack traces.
  const source = nodeModule.wrap(bundleText(file).replace(/^#!.*/, ""));
  // No `importModuleDynamically`: the bundle loads what it keeps outside with `require` (make build fails
  // on an `import()` of such a module, scripts/bundle-cli.ts).
  const script = new Script(source, { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected)
    process.once("exit", () =>
      saveCache(entry, script, (name) => name.startsWith(bundleId) && name.endsWith(`-${command}.cache`)),
    );
  const bundle = { exports: {} as T, id: file, filename: file, loaded: false };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(bundle.exports, bundle.exports, nodeModule.createRequire(file), bundle, file, dirname(file));
  bundle.loaded = true;
  return bundle.exports;
}

/**
 * The bundle's text. `make build` writes it in ASCII (scripts/bundle-cli.ts), which read as Latin-1 is a
 * copy of the bytes; decoding its 2.6 MB as UTF-8 took 3–6 ms more of every start (measured).
 */
function bundleText(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
}

/** The command a run is for (`build`, `validate`…), as part of the cache entry's name. */
function commandOf(argv: readonly string[]): string {
  const command = argv[2];
  return command && /^[a-z]+$/.test(command) ? command : "other";
}

/** Writes the entry, then removes the entries `replaced` names: this bundle's for the same command, made before a rebuild. */
function saveCache(entry: string, script: Script, replaced: (name: string) => boolean): void {
  const partial = `${entry}.${process.pid}`;
  try {
    writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
    // Whole or not at all: another kiln starting now reads the old entry or the new one.
    renameSync(partial, entry);
    for (const name of readdirSync(dirname(entry)))
      if (replaced(name) && name !== basename(entry)) rmSync(join(dirname(entry), name), { force: true });
  } catch {
    // An entry that cannot be written or removed costs a run its speed or some disk, nothing else.
  }
}
