import * as fs from "node:fs";
import * as path from "node:path";
import { setImmediate } from "node:timers/promises";
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
  return { mode: root.mode & 0o7777, entries: walkEntries(localDir, root) };
}

/** Entries stat'ed between two turns of the event loop. */
const STATS_PER_TURN = 1024;

/**
 * Directories are listed and entries stat'ed synchronously: for the small files a directory upload is
 * mostly made of, a blocking stat costs a fraction of a round trip through the thread pool. The event
 * loop runs before each directory and every STATS_PER_TURN entries, so a huge tree does not hold up the
 * connection's I/O meanwhile.
 */
async function walkEntries(localDir: string, root: fs.Stats): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  // `local` ends with a slash: a child's path is one concatenation (path.join normalizes every time).
  const walk = async (local: string, relative: string, ancestors: ReadonlySet<string>): Promise<void> => {
    await setImmediate();
    const names = fs.readdirSync(local).sort();
    for (const [i, name] of names.entries()) {
      if (i % STATS_PER_TURN === STATS_PER_TURN - 1) await setImmediate();
      const from = local + name;
      const info = statIfReachable(from);
      const to = relative ? `${relative}/${name}` : name;
      if (info?.isDirectory()) {
        const id = directoryId(info);
        if (ancestors.has(id)) continue;
        entries.push({ kind: "dir", local: from, relative: to, mode: info.mode & 0o7777, size: 0 });
        await walk(`${from}/`, to, new Set([...ancestors, id]));
      } else if (info?.isFile()) {
        entries.push({ kind: "file", local: from, relative: to, mode: info.mode & 0o7777, size: info.size });
      }
    }
  };
  const top = path.normalize(localDir);
  await walk(top.endsWith(path.sep) ? top : top + path.sep, "", new Set([directoryId(root)]));
  return entries;
}

/** What `file` leads to; undefined for a dangling symlink or a symlink loop (skipped). */
function statIfReachable(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

/**
 * A directory is known by device and inode: a symlink reaching one of the directories being walked (an
 * ancestor) is a loop, whatever path leads there.
 */
function directoryId(info: fs.Stats): string {
  return `${info.dev}:${info.ino}`;
}
