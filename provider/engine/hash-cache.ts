/**
 * SHA-256 of local files, remembered between processes so that fingerprinting a build whose files did
 * not change reads none of them (a `pulumi preview` of a template uploading 10,000 files stats them
 * instead of reading 200 MB). The content hash stays the truth: an entry is used only while the file's
 * identity and change times are exactly those recorded — device, inode, size, modification time and
 * status-change time, in nanoseconds. Editing a file changes its ctime even when its size and mtime are
 * put back, so such an edit is never missed.
 *
 * One JSON file per machine (`$KILN_CACHE_DIR`, else `$XDG_CACHE_HOME/kiln`, else `~/.cache/kiln`).
 * Processes that run at once (a preview and a build) each write a complete file under a temporary name
 * and rename it into place: a reader sees one writer's whole file, never a mix; an entry a concurrent
 * writer dropped is only work to redo. A file that cannot be read or written leaves hashing uncached.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { setImmediate } from "node:timers/promises";

const FILE_NAME = "file-hashes-v1.json";
/** Most recently used entries kept; older ones are dropped when the cache is saved. */
const MAX_ENTRIES = 200_000;
/**
 * A file changed this recently may change again within the filesystem's timestamp granularity (coarse
 * kernel ticks; 2 s on FAT) without its times moving: it is hashed, but not remembered.
 */
const SETTLE_MS = 2_000;
/** Files up to this size are read in one call: a stream per file costs more than the bytes of a small one. */
const READ_WHOLE = 1024 * 1024;
/** Bytes read with blocking calls between two turns of the event loop (~15 ms of reading and hashing). */
const BYTES_PER_TURN = 16 * 1024 * 1024;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KILN_CACHE_DIR) return env.KILN_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kiln");
}

interface Entry {
  /** `dev:ino:size:mtimeNs:ctimeNs` when hashed. */
  readonly key: string;
  readonly sha256: string;
}

export interface FileHashCacheOptions {
  /** @default defaultCacheDir() */
  readonly dir?: string;
  /** Files changed less than this long ago are not remembered. @default 2000 */
  readonly settleMs?: number;
}

export class FileHashCache {
  readonly dir: string;
  readonly file: string;
  readonly #settleNs: bigint;
  #entries?: Map<string, Entry>;
  #loading?: Promise<Map<string, Entry>>;
  #dirty = false;
  #readSinceTurn = 0;
  /** Files read because the cache did not know them (or knew an older version): for tests and the bench. */
  misses = 0;
  hits = 0;

  constructor(options: FileHashCacheOptions = {}) {
    this.dir = options.dir ?? defaultCacheDir();
    this.file = join(this.dir, FILE_NAME);
    this.#settleNs = BigInt(options.settleMs ?? SETTLE_MS) * 1_000_000n;
  }

  /** Hex SHA-256 of `path`'s content (symlinks followed). */
  async hash(path: string): Promise<string> {
    const entries = await this.#load();
    // A blocking stat, as the upload's walk does (local-tree.ts): a hit is nothing but this stat, and one
    // through the thread pool made the fingerprint of 10,000 unchanged files 0.34 s instead of 0.24 s.
    const before = statSync(path, { bigint: true });
    const key = `${before.dev}:${before.ino}:${before.size}:${before.mtimeNs}:${before.ctimeNs}`;
    const known = entries.get(path);
    if (known?.key === key) {
      this.hits++;
      // Moved to the end: the most recently used entries are the ones kept.
      entries.delete(path);
      entries.set(path, known);
      return known.sha256;
    }
    this.misses++;
    const sha256 = await this.#hashContent(path, before.size);
    const after = statSync(path, { bigint: true });
    const unchanged =
      after.mtimeNs === before.mtimeNs && after.ctimeNs === before.ctimeNs && after.size === before.size;
    const settled = BigInt(Date.now()) * 1_000_000n - after.ctimeNs >= this.#settleNs;
    if (unchanged && settled) {
      entries.delete(path);
      entries.set(path, { key, sha256 });
      this.#dirty = true;
    }
    return sha256;
  }

  /** Writes what was learnt since the last save, merged with what other processes saved meanwhile. */
  async save(): Promise<void> {
    if (!this.#dirty || !this.#entries) return;
    this.#dirty = false;
    const merged = new Map(await readEntries(this.file));
    for (const [path, entry] of this.#entries) {
      merged.delete(path);
      merged.set(path, entry);
    }
    const kept = [...merged].slice(-MAX_ENTRIES);
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, JSON.stringify({ entries: kept }), { mode: 0o600 });
      await rename(temp, this.file);
    } catch {
      await rm(temp, { force: true });
    }
  }

  /**
   * SHA-256 of what `path` holds now; `size` (from its stat) picks a read or a stream. The read is a
   * blocking one: fs/promises' readFile takes a thread-pool round trip for each of open, fstat, read and
   * close, which made hashing 10,000 files of 20 KB take 0.5 s instead of 0.26 s.
   */
  async #hashContent(path: string, size: bigint): Promise<string> {
    const hash = createHash("sha256");
    if (size > READ_WHOLE) {
      await pipeline(createReadStream(path), hash);
      return hash.digest("hex");
    }
    this.#readSinceTurn += Number(size);
    if (this.#readSinceTurn >= BYTES_PER_TURN) {
      this.#readSinceTurn = 0;
      await setImmediate();
    }
    return hash.update(readFileSync(path)).digest("hex");
  }

  #load(): Promise<Map<string, Entry>> {
    if (this.#entries) return Promise.resolve(this.#entries);
    this.#loading ??= readEntries(this.file).then((entries) => {
      this.#entries = new Map(entries);
      return this.#entries;
    });
    return this.#loading;
  }
}

async function readEntries(file: string): Promise<[string, Entry][]> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as { entries?: unknown };
    if (!Array.isArray(parsed.entries)) return [];
    return parsed.entries.filter(
      (e): e is [string, Entry] =>
        Array.isArray(e) &&
        typeof e[0] === "string" &&
        typeof e[1]?.key === "string" &&
        typeof e[1]?.sha256 === "string",
    );
  } catch {
    return []; // missing or unreadable: start afresh
  }
}
