import { createHash } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { setImmediate } from "node:timers/promises";
import { connectionOnlyFields, sensitiveCommunicatorFields } from "../communicator/config";
import type { PreparedBuild, PreparedSource } from "../spec/prepare";
import { selectedBy } from "../spec/prepare";
import { FileHashCache } from "./hash-cache";
import { traceWork } from "./trace";

/** Entries of one directory hashed at once: the streamed reads of large files overlap. */
const FILES_IN_PARALLEL = 32;
/** A hit costs only a blocking stat: in a huge folder, the event loop gets a turn every this many entries. */
const ENTRIES_PER_TURN = 1024;

let processCache: FileHashCache | undefined;

/** The machine's hash cache (see hash-cache.ts), shared by every fingerprint this process computes. */
export function sharedHashCache(): FileHashCache {
  processCache ??= new FileHashCache();
  return processCache;
}

/**
 * The content fingerprint of one source's build: its builder config and every provisioner that applies
 * to it, plus the bytes of every local file they upload or run. Same inputs, same fingerprint — on any
 * machine, since paths are taken relative to the template directory. Post-processors, connection settings
 * and the builder's `notContent` are left out, so editing them does not force a rebake; callers
 * that manage more fields themselves (the Pulumi resource re-tags in place) name them in `extraExclude`.
 */
export async function fingerprintSource(
  build: PreparedBuild,
  source: PreparedSource,
  extraExclude: readonly string[] = [],
  hashes: FileHashCache = sharedHashCache(),
): Promise<string> {
  traceWork("fingerprint", source.buildName);
  // Secrets stay out too: the fingerprint is written to image tags, and a hash of a short password is
  // a password.
  const excluded = new Set([
    ...connectionOnlyFields,
    ...sensitiveCommunicatorFields,
    ...source.builder.sensitiveFields,
    ...source.builder.notContent,
    ...extraExclude,
  ]);
  const builderConfig = Object.fromEntries(Object.entries(source.spec.config).filter(([key]) => !excluded.has(key)));
  const applicable = build.provisioners.filter((p) =>
    selectedBy({ buildName: source.buildName, spec: source.spec }, p.spec.only, p.spec.except),
  );
  const localFiles = [
    ...source.builder.localInputs(source.config, build.baseDir),
    ...applicable.flatMap((p) => p.plugin.localInputs(p.config, build.baseDir)),
  ];
  const fileHashes: [string, string][] = [];
  for (const path of localFiles) fileHashes.push(...(await hashTree(path, build.baseDir, hashes)));
  await hashes.save();

  const content = {
    builder: source.spec.type,
    config: builderConfig,
    provisioners: applicable.map((p) => ({ type: p.spec.type, config: p.spec.config })),
    files: fileHashes,
  };
  return `sha256:${createHash("sha256").update(canonicalJson(content)).digest("hex")}`;
}

/** Hashes a file, or every file under a directory in a stable order, as [relative path, sha256] pairs. */
async function hashTree(path: string, baseDir: string, hashes: FileHashCache): Promise<[string, string][]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [[relative(baseDir, path), await hashes.hash(path)]];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const out: [string, string][] = [];
  for (let i = 0; i < entries.length; i += FILES_IN_PARALLEL) {
    if (i > 0 && i % ENTRIES_PER_TURN === 0) await setImmediate();
    const batch = entries.slice(i, i + FILES_IN_PARALLEL).map(async (entry) => {
      const full = join(path, entry.name);
      // A plain file needs no stat of its own here; a symlink may lead to a directory.
      if (entry.isFile()) return [[relative(baseDir, full), await hashes.hash(full)]] as [string, string][];
      return hashTree(full, baseDir, hashes);
    });
    for (const pairs of await Promise.all(batch)) out.push(...pairs);
  }
  return out;
}

/** JSON with object keys sorted at every level, so equal values always serialise the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
