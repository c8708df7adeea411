import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { asciiOnly, SSH2_NATIVE_CRYPTO } from "../../scripts/bundle-cli";

const BUNDLE = resolve(__dirname, "../../dist/provider/cli/kiln-bundle.js");

describe("the bundled CLI (scripts/bundle-cli.ts)", () => {
  it("is ASCII only, so Node holds it as one byte a character", () => {
    const nonAscii = readFileSync(BUNDLE, "latin1")
      .split("\n")
      .map((line, i) => ({ line: i + 1, text: line }))
      .filter(({ text }) => /[\x80-\xff]/.test(text));
    expect(nonAscii).toEqual([]);
  });

  it("escapes what esbuild leaves without changing what the code means", () => {
    const code = 'module.exports = [/(ns|µs)/g.exec("5µs")[1], /😀/u.test("😀"), "é"]; // déjà — vu…';
    const escaped = asciiOnly(code);
    expect(escaped).toMatch(/^[\x20-\x7e]*$/);
    const run = (source: string) => {
      const module = { exports: undefined as unknown };
      new Function("module", source)(module);
      return module.exports;
    };
    expect(run(escaped)).toEqual(run(code));
    expect(run(escaped)).toEqual(["µs", true, "é"]);
  });

  it("requires ssh2's native crypto from node_modules, where the bundle finds it", () => {
    const code = readFileSync(BUNDLE, "utf8");
    expect(code.split(`require("${SSH2_NATIVE_CRYPTO}")`)).toHaveLength(2);
    // Required as the bundle would: ssh2 falls back to slower ciphers, silently, when this throws.
    const binding = createRequire(BUNDLE)(SSH2_NATIVE_CRYPTO) as Record<string, unknown>;
    expect(Object.keys(binding)).toEqual(expect.arrayContaining(["AESGCMCipher", "ChaChaPolyCipher"]));
  });
});
