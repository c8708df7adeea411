import { beforeAll, describe, expect, it } from "vitest";
import { formatProblem } from "../../provider/engine/errors";
import { loadHclParser, parseHcl } from "../../provider/template/expr/parser";
import { describePosition, readTree } from "../../provider/template/hcl2/body";
import { parseDiagnostics } from "../../provider/template/hcl2/syntax";
import { Trees } from "../../provider/template/hcl2/trees";
import { Problems } from "../../provider/template/problems";

beforeAll(async () => {
  await loadHclParser();
});

describe("reading HCL structure", () => {
  it("reads blocks, labels (escapes included) and attributes with positions", () => {
    const problems = new Problems();
    const body = readTree('a = 1\nblk "x\\"y" z {\n  inner {\n    b = 2\n  }\n}\n', "f.pkr.hcl", problems, new Trees());
    expect(problems.count).toBe(0);
    expect(body?.attributes.map((a) => [a.name, a.where.line, a.where.column])).toEqual([["a", 1, 1]]);
    const blk = body?.blocks[0];
    expect([blk?.type, blk?.labels, blk?.where.line]).toEqual(["blk", ['x"y', "z"], 2]);
    expect(blk?.body.blocks[0]?.body.attributes[0]?.where).toEqual({ file: "f.pkr.hcl", line: 4, column: 5 });
  });

  it("reports what tree-sitter cannot read instead of dropping it", () => {
    const problems = new Problems();
    expect(readTree('source "a" "b" {\n  x = (\n}\n', "f.pkr.hcl", problems, new Trees())).toBeUndefined();
    expect(() => problems.check()).toThrow(/f\.pkr\.hcl:\d+:\d+: .*Kiln's HCL reader cannot read this construct/);
  });

  it("names the block and attribute around a position", () => {
    const tree = parseHcl('source "null" "a" {\n  communicator = "none"\n}\n', "f.pkr.hcl");
    expect(describePosition(tree, 2, 20)).toBe('source "null" "a".communicator');
    expect(describePosition(tree, 1, 1)).toBe('source "null" "a"');
  });
});

describe("hcl2json diagnostics", () => {
  it("splits several diagnostics and keeps their positions", () => {
    const message =
      "parse config: [dir/a b.pkr.hcl:1,9-2,1: Invalid multi-line string; Quoted strings may not be split. dir/a b.pkr.hcl:3,1-4: Unterminated template string; No closing marker was found for the string.]";
    expect(parseDiagnostics(message, "dir/a b.pkr.hcl").map(formatProblem)).toEqual([
      "dir/a b.pkr.hcl:1:9: syntax: Invalid multi-line string: Quoted strings may not be split.",
      "dir/a b.pkr.hcl:3:1: syntax: Unterminated template string: No closing marker was found for the string.",
    ]);
  });

  it("keeps an unexpected message whole", () => {
    expect(parseDiagnostics("wasm crashed", "f.pkr.hcl")).toEqual([
      { field: "syntax", message: "wasm crashed", where: { file: "f.pkr.hcl", line: 1 } },
    ]);
  });
});
