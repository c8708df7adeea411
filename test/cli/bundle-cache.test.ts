import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KILN, kiln } from "./run-kiln";

// The bundled CLI is loaded with a code cache written at the end of each command's first run
// (provider/cli/load-bundle.ts), in the compile cache directory Node is told to use.

let dir: string;
let cacheDir: string;
let valid: string;
let broken: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-bundle-cache-"));
  cacheDir = join(dir, "cache");
  valid = join(dir, "ok.pkr.hcl");
  writeFileSync(valid, 'source "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.x"]\n}\n');
  broken = join(dir, "broken.pkr.hcl");
  writeFileSync(broken, 'source "null" "x" {\n  communicator = "none"\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = { NODE_COMPILE_CACHE: cacheDir }) =>
  kiln(args, { cwd: dir, env });
/** The bundle's cache entries, wherever Node put its versioned subdirectory. */
const entries = () =>
  readdirSync(cacheDir, { recursive: true, encoding: "utf8" }).filter((f) => /kiln-.*\.cache$/.test(f));

describe("the bundle's code cache", () => {
  it("is written by a command's first run, one entry per command, and later runs answer the same", async () => {
    const first = await run(["validate", valid]);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(entries()).toEqual([expect.stringMatching(/-validate\.cache$/)]);

    const again = await run(["validate", valid]);
    expect(again).toEqual(first);
    // A syntax error loads HashiCorp's parser from node_modules while the bundle runs from its cache.
    const wrong = await run(["validate", broken]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("broken.pkr.hcl:1:19");
    expect(wrong.stderr).toContain("Unclosed configuration block");
    expect(entries()).toHaveLength(1);

    expect((await run(["--version"])).code).toBe(0);
    expect(entries()).toHaveLength(2);
  });

  it("is made again when the entry is not V8's, and the run is unaffected", async () => {
    for (const entry of entries()) writeFileSync(join(cacheDir, entry), "not a code cache");
    const run1 = await run(["validate", valid]);
    expect(run1).toMatchObject({ code: 0, stdout: "The configuration is valid.\n", stderr: "" });
    const validateEntry = join(cacheDir, entries().find((e) => e.endsWith("-validate.cache")) ?? "");
    expect(statSync(validateEntry).size).toBeGreaterThan(100_000);
    expect(await run(["validate", valid])).toEqual(run1);
  });

  it("gets a new entry when the bundle is written again, which replaces the old one", async () => {
    await run(["validate", valid]);
    const before = entries().filter((e) => e.endsWith("-validate.cache"));
    expect(before).toHaveLength(1);
    // A write to the file's metadata: a new change time, as a rebuild gives, with the same code.
    const bundle = join(KILN, "../kiln-bundle.js");
    chmodSync(bundle, statSync(bundle).mode);
    expect(await run(["validate", valid])).toMatchObject({ code: 0, stderr: "" });
    const after = entries().filter((e) => e.endsWith("-validate.cache"));
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it("is not used when stack traces are to go through the source map (Node's own loader does that)", async () => {
    const mapped = join(dir, "mapped");
    const result = await run(["validate", valid], { NODE_COMPILE_CACHE: mapped, NODE_OPTIONS: "--enable-source-maps" });
    expect(result).toMatchObject({ code: 0, stdout: "The configuration is valid.\n", stderr: "" });
    expect(readdirSync(mapped, { recursive: true, encoding: "utf8" }).filter((f) => f.includes("kiln-"))).toEqual([]);
  });

  it("is not written when Node's compile cache is off", async () => {
    const off = join(dir, "off");
    const result = await run(["validate", valid], { NODE_COMPILE_CACHE: off, NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(() => readdirSync(off)).toThrow();
  });
});
