import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCacheDir, FileHashCache } from "../../provider/engine/hash-cache";

let work: string;
let files: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-hash-cache-"));
  files = path.join(work, "files");
  fs.mkdirSync(files);
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** A cache in its own directory that remembers files at once (no settling time), as a later process sees it. */
function cache(dir: string, settleMs = 0): FileHashCache {
  return new FileHashCache({ dir, settleMs });
}

function write(name: string, content: string): string {
  const file = path.join(files, name);
  fs.writeFileSync(file, content);
  return file;
}

describe("FileHashCache", () => {
  it("hashes content, and a later process answers from the cache without reading", async () => {
    const dir = path.join(work, "c1");
    const a = write("a.txt", "alpha");
    const b = write("b.txt", "beta");
    const first = cache(dir);
    expect(await first.hash(a)).toBe(sha("alpha"));
    expect(await first.hash(b)).toBe(sha("beta"));
    expect(first.misses).toBe(2);
    await first.save();
    expect(fs.statSync(first.file).mode & 0o777).toBe(0o600);

    const later = cache(dir);
    expect(await later.hash(a)).toBe(sha("alpha"));
    expect(await later.hash(b)).toBe(sha("beta"));
    expect({ hits: later.hits, misses: later.misses }).toEqual({ hits: 2, misses: 0 });
  });

  it("hashes files read in one call and files streamed (over 1 MiB) alike, empty ones included", async () => {
    const dir = path.join(work, "sizes");
    const sizes = [0, 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 17];
    const hashes = cache(dir);
    for (const size of sizes) {
      const content = Buffer.alloc(size, size % 251);
      const file = path.join(files, `size-${size}`);
      fs.writeFileSync(file, content);
      expect(await hashes.hash(file), `${size} bytes`).toBe(sha(content));
    }
  });

  it("re-reads a file whose content changed with the same size and its old mtime put back", async () => {
    const dir = path.join(work, "c2");
    const file = write("same-size.txt", "aaaa");
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const first = cache(dir);
    expect(await first.hash(file)).toBe(sha("aaaa"));
    await first.save();

    fs.writeFileSync(file, "bbbb");
    fs.utimesSync(file, old, old); // size and mtime as before; only ctime tells
    const later = cache(dir);
    expect(await later.hash(file)).toBe(sha("bbbb"));
    expect(later.misses).toBe(1);
  });

  it("re-reads a file whose mtime changed (same content, same hash), and one replaced by another inode", async () => {
    const dir = path.join(work, "c3");
    const file = write("touched.txt", "same");
    const first = cache(dir);
    await first.hash(file);
    await first.save();

    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(file, later, later);
    const second = cache(dir);
    expect(await second.hash(file)).toBe(sha("same"));
    expect(second.misses).toBe(1);
    await second.save();

    const replacement = write("replacement.txt", "other");
    fs.renameSync(replacement, file);
    const third = cache(dir);
    expect(await third.hash(file)).toBe(sha("other"));
    expect(third.misses).toBe(1);
  });

  it("does not remember a file changed within the settling time (its times could still hide an edit)", async () => {
    const dir = path.join(work, "c4");
    const file = write("fresh.txt", "fresh");
    const first = cache(dir, 60_000);
    expect(await first.hash(file)).toBe(sha("fresh"));
    await first.save();
    const later = cache(dir, 60_000);
    await later.hash(file);
    expect(later.misses).toBe(1);
  });

  it("merges what concurrent processes save, and ignores a corrupt cache file", async () => {
    const dir = path.join(work, "c5");
    const names = Array.from({ length: 6 }, (_, i) => write(`p${i}.txt`, `content ${i}`));
    // Three "processes" hash different files and save at the same moment.
    const writers = [0, 1, 2].map(() => cache(dir));
    await Promise.all(writers.map((w, i) => Promise.all(names.slice(i * 2, i * 2 + 2).map((n) => w.hash(n)))));
    await Promise.all(writers.map((w) => w.save()));
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, "file-hashes-v1.json"), "utf8")) as {
      entries: [string, { sha256: string }][];
    };
    // Whatever survived is right; no temp files are left behind.
    expect(parsed.entries.length).toBeGreaterThan(0);
    for (const [file, entry] of parsed.entries) expect(entry.sha256).toBe(sha(fs.readFileSync(file)));
    expect(fs.readdirSync(dir)).toEqual(["file-hashes-v1.json"]);

    fs.writeFileSync(path.join(dir, "file-hashes-v1.json"), '{"entries": [["half');
    const afterCorruption = cache(dir);
    expect(await afterCorruption.hash(names[0] as string)).toBe(sha("content 0"));
    await afterCorruption.save();
    expect(await cache(dir).hash(names[0] as string)).toBe(sha("content 0"));
  });

  it("stays correct when two real processes write the cache at once", async () => {
    const dir = path.join(work, "c6");
    const names = Array.from({ length: 40 }, (_, i) => write(`proc${i}.txt`, `proc ${i}`));
    const script = `
      const { FileHashCache } = require(${JSON.stringify(path.resolve(__dirname, "../../provider/engine/hash-cache.ts"))});
      (async () => {
        for (let round = 0; round < 5; round++) {
          const c = new FileHashCache({ dir: ${JSON.stringify(dir)}, settleMs: 0 });
          for (const f of JSON.parse(process.argv[1])) await c.hash(f);
          await c.save();
        }
      })();
    `;
    const tsx = path.resolve(__dirname, "../../node_modules/.bin/tsx");
    const runOne = (part: string[]) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(tsx, ["-e", script, JSON.stringify(part)], { stdio: "inherit" });
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
      });
    await Promise.all([runOne(names.slice(0, 20)), runOne(names.slice(20))]);
    const reader = cache(dir);
    for (const [i, name] of names.entries()) expect(await reader.hash(name)).toBe(sha(`proc ${i}`));
    expect(reader.hits).toBeGreaterThan(0);
    expect(fs.readdirSync(dir)).toEqual(["file-hashes-v1.json"]);
  });

  it("lives under KILN_CACHE_DIR, else XDG_CACHE_HOME/kiln, else ~/.cache/kiln", () => {
    expect(defaultCacheDir({ KILN_CACHE_DIR: "/x/y" })).toBe("/x/y");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" })).toBe("/xdg/kiln");
    expect(defaultCacheDir({})).toBe(path.join(os.homedir(), ".cache", "kiln"));
  });
});
