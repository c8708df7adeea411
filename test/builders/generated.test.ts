import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILDERS } from "../../provider/builders/registry";
import { generatedFiles } from "../../scripts/generate/outputs";
import { markdownTable, replaceRegion } from "../../scripts/generate/readme-region";
import { fieldsOf } from "../../scripts/generate/walk";

describe("generated files", () => {
  it("are what the plugin schemas give today (else run `make generate`)", async () => {
    for (const [path, content] of Object.entries(generatedFiles(join(__dirname, "../..")))) {
      expect(readFileSync(join(__dirname, "../..", path), "utf8"), `${path} is stale: run make generate`).toBe(content);
    }
  });

  it("every builder field carries a one-line doc", () => {
    for (const descriptor of Object.values(BUILDERS)) {
      const undocumented = fieldsOf(descriptor.schema)
        .filter((f) => !f.doc)
        .map((f) => f.name);
      expect(undocumented, descriptor.type).toEqual([]);
    }
  });

  it("rewrites only the README's marked region, and refuses a file without it", () => {
    const text = "intro\n<!-- generated:plugins (how) -->\nold table\n<!-- /generated:plugins -->\noutro\n";
    expect(replaceRegion(text, "plugins", "new table\n", "README.md")).toBe(
      "intro\n<!-- generated:plugins (how) -->\nnew table\n<!-- /generated:plugins -->\noutro\n",
    );
    expect(() => replaceRegion("no markers", "plugins", "x", "README.md")).toThrow(/README.md: no region/);
  });

  it("writes Markdown tables padded as biome formats them, pipes escaped", () => {
    expect(markdownTable(["a", "long header"], [["x|y", "z"]])).toBe(
      ["| a    | long header |", "| ---- | ----------- |", "| x\\|y | z           |"].join("\n"),
    );
  });
});
