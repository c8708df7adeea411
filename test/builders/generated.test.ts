import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILDERS } from "../../provider/builders/registry";
import { generatedFiles } from "../../scripts/generate/outputs";
import { fieldsOf } from "../../scripts/generate/walk";

describe("generated files", () => {
  it("are what the plugin schemas give today (else run `make generate`)", async () => {
    for (const [path, content] of Object.entries(await generatedFiles())) {
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
});
