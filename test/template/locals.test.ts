import { describe, expect, it } from "vitest";
import { formatProblem } from "../../provider/engine/errors";
import { loadHcl, problemOf, problemsOf } from "./helpers";

function shown(locals: string, names: string[]): string {
  return `${locals}
source "null" "a" {
  communicator = "none"
${names.map((n) => `  ${n.replace(/\W/g, "_")} = ${n}`).join("\n")}
}
build { sources = ["source.null.a"] }
`;
}

async function config(text: string, options: Parameters<typeof loadHcl>[1] = {}) {
  const loaded = await loadHcl(text, options);
  const { communicator: _, ...rest } = loaded.builds[0]?.sources[0]?.config ?? {};
  return rest;
}

describe("locals and data sources", () => {
  it("evaluates locals in dependency order, across locals blocks and local blocks", async () => {
    const text = shown(
      `
locals {
  c = "\${local.b}-c"
}
local "b" {
  expression = upper(local.a)
}
locals {
  a    = "a-\${var.v}"
  list = [for x in ["p", "q"] : "\${x}\${local.c}"]
}
variable "v" { default = "v" }
`,
      ["local.a", "local.b", "local.c", "local.list"],
    );
    expect(await config(text)).toEqual({
      local_a: "a-v",
      local_b: "A-V",
      local_c: "A-V-c",
      local_list: ["pA-V-c", "qA-V-c"],
    });
  });

  it("reads the null data source, which may use locals and be used by them", async () => {
    const text = shown(
      `
data "null" "first" {
  input = "in-\${local.base}"
}
locals {
  base  = "b"
  after = "\${data.null.first.output}-after"
}
`,
      ["data.null.first.output", "local.after"],
    );
    expect(await config(text)).toEqual({ data_null_first_output: "in-b", local_after: "in-b-after" });
  });

  it("collects the values of sensitive local blocks", async () => {
    const loaded = await loadHcl(
      shown(
        `local "token" {
  expression = "tok-\${var.v}"
  sensitive  = true
}
variable "v" { default = "1" }`,
        ["local.token"],
      ),
    );
    expect(loaded.sensitiveValues).toEqual(["tok-1"]);
  });

  it("reports a cycle once, naming its members, and skips what depends on it", async () => {
    const problems = await problemsOf(
      loadHcl(
        shown(
          `locals {
  a = local.b
  b = local.c
  c = local.a
  d = "\${local.a}!"
}`,
          ["local.d"],
        ),
      ),
    );
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /main\.pkr\.hcl:2:3: locals\.a: cycle: local\.a → local\.b → local\.c → local\.a refer to each other$/,
      ),
    ]);
  });

  it("reports a data source and local block that refer to each other as a cycle", async () => {
    expect(
      await problemOf(
        loadHcl(
          shown(`data "null" "x" {\n  input = local.y\n}\nlocal "y" {\n  expression = data.null.x.output\n}`, [
            "local.y",
          ]),
        ),
      ),
    ).toMatch(/main\.pkr\.hcl:4:1: local "y": cycle: local\.y → data\.null\.x → local\.y refer to each other$/);
  });

  it.each([
    [
      "locals {\n  a = 1\n}\nlocals {\n  a = 2\n}",
      /main\.pkr\.hcl:5:3: locals\.a: duplicate local\.a: already defined at .*main\.pkr\.hcl:2/,
    ],
    ["locals {\n  a = nope.x\n}", /main\.pkr\.hcl:2:7: locals\.a: Unknown variable: There is no variable named "nope"/],
    ['local "a" {\n  value = 1\n}', /main\.pkr\.hcl:2:3: local "a"\.value: unsupported argument in a local block/],
    ['local "a" {\n}', /main\.pkr\.hcl:1:1: local "a": a local block needs expression = …/],
    [
      'data "null" "x" {\n  inputs = 1\n}',
      /main\.pkr\.hcl:2:3: data "null" "x"\.inputs: unsupported argument in a null data source/,
    ],
    ['data "null" "x" {\n}', /main\.pkr\.hcl:1:1: data "null" "x": the null data source needs input = …/],
    [
      'data "http" "x" {\n}',
      /main\.pkr\.hcl:1:1: data "http" "x": data source type "http" is not supported by Kiln yet/,
    ],
    ['locals {\n  a = env("HOME")\n}', /main\.pkr\.hcl:2:\d+: locals\.a: .*env/],
  ])("rejects %s", async (text, message) => {
    const problems = (await problemsOf(loadHcl(shown(text, [])))).map(formatProblem);
    expect(problems).toContainEqual(expect.stringMatching(message));
  });
});
