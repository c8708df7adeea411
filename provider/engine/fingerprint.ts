import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import { connectionOnlyFields, sensitiveCommunicatorFields } from "../communicator/config";
import type { PreparedBuild, PreparedSource } from "../spec/prepare";
import { selectedBy } from "../spec/prepare";

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
): Promise<string> {
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
  for (const path of localFiles) fileHashes.push(...(await hashTree(path, build.baseDir)));

  const content = {
    builder: source.spec.type,
    config: builderConfig,
    provisioners: applicable.map((p) => ({ type: p.spec.type, config: p.spec.config })),
    files: fileHashes,
  };
  return `sha256:${createHash("sha256").update(canonicalJson(content)).digest("hex")}`;
}

/** Hashes a file, or every file under a directory in a stable order, as [relative path, sha256] pairs. */
async function hashTree(path: string, baseDir: string): Promise<[string, string][]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [[relative(baseDir, path), await hashFile(path)]];
  const entries = (await readdir(path)).sort();
  const out: [string, string][] = [];
  for (const entry of entries) out.push(...(await hashTree(join(path, entry), baseDir)));
  return out;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
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
