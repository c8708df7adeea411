import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codeLines } from "../../scripts/loc";

const ROOT = join(__dirname, "../..");

describe("make loc", () => {
  it("counts lines holding code: not blanks, comments or JSDoc; a multi-line template counts whole", () => {
    const source = [
      "// a comment",
      "",
      "/** doc",
      " * more */",
      "const a = `x",
      "// inside the template: text, not a comment",
      "$" + "{1}",
      "`; // trailing",
      "const r = /\\/\\/x/; /* block */",
      "/*",
      "const notCode = 1;",
      "*/",
      "",
    ].join("\n");
    expect(codeLines("sample.ts", source)).toBe(5);
  });

  it("places every tracked source file in a layer and prints one row per layer", () => {
    // Exits non-zero naming the files no layer of scripts/layers.cjs matches.
    const out = execFileSync(join(ROOT, "node_modules/.bin/tsx"), ["scripts/loc.ts"], { cwd: ROOT, encoding: "utf8" });
    const { LAYERS } = require("../../scripts/layers.cjs") as { LAYERS: { name: string }[] };
    for (const layer of LAYERS)
      expect(out).toMatch(new RegExp(`^\\| ${layer.name} \\| [1-9]\\d* \\| [1-9]\\d* \\|`, "m"));
  });
});
