import * as fs from "node:fs";
import * as path from "node:path";
import { pathInvalid } from "../engine/errors";

/** One thing a directory upload creates on the target; directories come before what they hold. */
export interface TreeEntry {
  readonly kind: "dir" | "file";
  /** Absolute local path (symlinks not resolved). */
  readonly local: string;
  /** Path below the uploaded directory, `/`-separated. */
  readonly relative: string;
  /** Permission bits (`& 0o7777`) of what the path points to. */
  readonly mode: number;
  /** Bytes, for files. */
  readonly size: number;
}

/** Entries listed at once while walking: stat calls overlap instead of waiting one after another. */
const STATS_IN_PARALLEL = 64;

/**
 * What uploading `localDir` copies, in upload order: every directory (empty ones included) and regular
 * file below it, following symlinks like `scp -r` and Packer. A dangling symlink is skipped; a symlink
 * that leads back to a directory being walked (a loop) is skipped. Sockets, FIFOs and devices are skipped.
 *
 * @throws Error `localDir` is not a directory
 */
export async function walkLocalTree(localDir: string): Promise<{ mode: number; entries: TreeEntry[] }> {
  const { mode, entries } = await startLocalWalk(localDir);
  return { mode, entries: await entries };
}

/**
 * walkLocalTree in two parts: checks `localDir` is a directory and gives its mode at once, and the
 * entries when the walk is done, so the caller can start on the target meanwhile.
 *
 * @throws Error `localDir` is not a directory
 */
export async function startLocalWalk(localDir: string): Promise<{ mode: number; entries: Promise<TreeEntry[]> }> {
  const root = await fs.promises.stat(localDir);
  if (!root.isDirectory()) throw pathInvalid(`${localDir} is not a directory`, localDir);
  return { mode: root.mode & 0o7777, entries: walkEntries(localDir) };
}

async function walkEntries(localDir: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  const walk = async (local: string, relative: string, seen: ReadonlySet<string>): Promise<void> => {
    const names = (await fs.promises.readdir(local)).sort();
    const stats: (fs.Stats | undefined)[] = [];
    for (let i = 0; i < names.length; i += STATS_IN_PARALLEL) {
      const batch = names.slice(i, i + STATS_IN_PARALLEL);
      // Dangling symlinks fail to stat: skipped.
      stats.push(
        ...(await Promise.all(batch.map((n) => fs.promises.stat(path.join(local, n)).catch(() => undefined)))),
      );
    }
    for (const [i, name] of names.entries()) {
      const info = stats[i];
      const from = path.join(local, name);
      const to = relative ? `${relative}/${name}` : name;
      if (info?.isDirectory()) {
        const real = await fs.promises.realpath(from);
        if (seen.has(real)) continue;
        entries.push({ kind: "dir", local: from, relative: to, mode: info.mode & 0o7777, size: 0 });
        await walk(from, to, new Set([...seen, real]));
      } else if (info?.isFile()) {
        entries.push({ kind: "file", local: from, relative: to, mode: info.mode & 0o7777, size: info.size });
      }
    }
  };
  await walk(localDir, "", new Set([await fs.promises.realpath(localDir)]));
  return entries;
}
