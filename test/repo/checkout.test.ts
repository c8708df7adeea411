import { execFile, execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The README's two commands, `make demo` then `make test`, in one checkout: the demo must leave the
// checkout as it found it, and the linter must read only files git tracks (or would track).

const ROOT = resolve(__dirname, "../..");
const BIOME = join(ROOT, "node_modules/.bin/biome");
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** The paths `make lint` passes to biome, read from the Makefile so the test follows it. */
function lintPaths(): string[] {
  const makefile = readFileSync(join(ROOT, "Makefile"), "utf8");
  const line = /^lint:.*\n\t(.*)$/m.exec(makefile)?.[1] ?? "";
  const paths = /biome check (.*)$/.exec(line)?.[1]?.split(/\s+/) ?? [];
  expect(paths.length).toBeGreaterThan(0);
  return paths;
}

/** A git repository holding the project's biome.json and .gitignore, and a tracked file under each lint path. */
function lintRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "kiln-lint-"));
  scratch.push(dir);
  copyFileSync(join(ROOT, "biome.json"), join(dir, "biome.json"));
  copyFileSync(join(ROOT, ".gitignore"), join(dir, ".gitignore"));
  // The $schema path points into node_modules; the real one, so biome's config check passes.
  execFileSync("ln", ["-s", join(ROOT, "node_modules"), join(dir, "node_modules")]);
  for (const path of lintPaths()) {
    mkdirSync(join(dir, path), { recursive: true });
    writeFileSync(join(dir, path, "tracked.ts"), "export const ok = 1;\n");
  }
  execFileSync("git", ["init", "-q"], { cwd: dir });
  execFileSync("git", ["add", "-A"], { cwd: dir });
  return dir;
}

function biome(dir: string) {
  const run = spawnSync(BIOME, ["check", "--colors=off", ...lintPaths()], { cwd: dir, encoding: "utf8" });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Every file under the example folders (dependencies aside) with its size and modification time. */
function examplesState(): Record<string, string> {
  const state: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        state[path.slice(ROOT.length + 1)] = `${stat.size} ${stat.mtimeMs}`;
      }
    }
  };
  walk(join(ROOT, "examples"));
  return state;
}

describe("the checkout", () => {
  it.skipIf(!existsSync(join(ROOT, "dist/scripts/demo.js")))(
    "make demo bakes, rolls the fleet blue/green onto a new image, and leaves the checkout as it found it",
    { timeout: 900_000 },
    async () => {
      const before = examplesState();
      // Asynchronously: a worker blocked for minutes loses touch with vitest.
      const demo = await promisify(execFile)(process.execPath, [join(ROOT, "dist/scripts/demo.js")], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: "1" },
      }).then(
        (r) => ({ ...r, status: 0 }),
        (e: { stdout?: string; stderr?: string; code?: number }) => ({
          stdout: e.stdout ?? "",
          stderr: e.stderr ?? "",
          status: e.code ?? 1,
        }),
      );
      expect(demo.stderr).not.toContain("demo failed");
      expect(demo.status).toBe(0);
      // The second deploy's summary: a new image and a new group replaced the first ones.
      expect(demo.stdout).toMatch(/image (ami-\w+) → (?!\1)ami-\w+/);
      expect(demo.stdout).toMatch(/group (\S+) → (?!\1)\S+/);
      expect(examplesState()).toEqual(before);
    },
  );

  it("make lint skips files git ignores (a demo's manifest) and lints every path it names", () => {
    const dir = lintRepo();
    // What `make demo` used to leave: a manifest git ignores, formatted as Go writes it.
    writeFileSync(join(dir, "examples/packer-manifest.json"), '{\n    "builds":   [],\n"last_run_uuid": "x"}');
    const clean = biome(dir);
    expect(clean.output).not.toContain("packer-manifest.json");
    expect(clean.code).toBe(0);
    // Every path is really linted: a badly formatted tracked file under each one is reported.
    for (const path of lintPaths()) writeFileSync(join(dir, path, "tracked.ts"), "export const   bad = 1\n");
    const dirty = biome(dir);
    expect(dirty.code).not.toBe(0);
    for (const path of lintPaths()) expect(dirty.output).toContain(`${path}/tracked.ts`);
  });
});
