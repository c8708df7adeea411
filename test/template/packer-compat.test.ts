import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../provider/engine/errors";
import { loadTemplate } from "../../provider/kiln";
import type { LoadOptions } from "../../provider/template";
import { fixture } from "./helpers";

/**
 * The same templates through Debian's Packer 1.6.6 and through Kiln: they must agree on what is valid,
 * on variable values, and on where syntax errors are. Packer runs only `validate` and `inspect`, which
 * build nothing.
 */
const PACKER = "/usr/bin/packer";

function packer(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(PACKER, args, {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: cwd, CHECKPOINT_DISABLE: "1", PACKER_NO_COLOR: "1", ...env },
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

async function kiln(target: string, options: LoadOptions) {
  try {
    return { ok: true as const, loaded: await loadTemplate(target, options) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false as const, error };
    throw error;
  }
}

const VARIABLES = `
variable "a" {
  type    = string
  default = "default"
}
variable "n" {
  type    = number
  default = 1
}
source "null" "x" {
  communicator = "none"
}
build {
  sources = ["source.null.x"]
  provisioner "shell-local" {
    inline = ["echo \${var.a} \${var.n}"]
  }
}
`;

describe.skipIf(!existsSync(PACKER))("agreement with Packer 1.6.6", () => {
  it.each([
    ["default", {}, [], {}],
    ["env", { PKR_VAR_a: "env" }, [], {}],
    ["env < -var-file", { PKR_VAR_a: "env" }, ["f.pkrvars.hcl"], {}],
    ["-var-file < -var", {}, ["f.pkrvars.hcl", "g.pkrvars.hcl"], { a: "cli", n: "7" }],
    ["later -var-file wins", {}, ["g.pkrvars.hcl", "f.pkrvars.hcl"], {}],
  ] as const)("gives variables the same values: %s", async (_, env, varFiles, vars) => {
    const dir = fixture({
      "main.pkr.hcl": VARIABLES,
      "f.pkrvars.hcl": 'a = "file-f"\n',
      "g.pkrvars.hcl": 'a = "file-g"\nn = 3\n',
    });
    const args = [
      "inspect",
      ...varFiles.map((f) => `-var-file=${f}`),
      ...Object.entries(vars).map(([k, v]) => `-var=${k}=${v}`),
      ".",
    ];
    const inspected = packer(args, dir, env);
    expect(inspected.code, inspected.out).toBe(0);
    const packerA = /var\.a: "([^"]*)"/.exec(inspected.out)?.[1];
    const packerN = /var\.n: "([^"]*)"/.exec(inspected.out)?.[1];

    const ours = await loadTemplate(dir, {
      env: { ...env },
      vars: { ...vars },
      varFiles: varFiles.map((f) => path.join(dir, f)),
    });
    expect(ours.builds[0]?.provisioners?.[0]?.config.inline).toEqual([`echo ${packerA} ${packerN}`]);
  });

  it("reads *.auto.pkrvars.hcl of a directory the same way", async () => {
    const dir = fixture({
      "main.pkr.hcl": VARIABLES,
      "b.auto.pkrvars.hcl": 'a = "auto-b"\n',
      "a.auto.pkrvars.hcl": 'a = "auto-a"\n',
    });
    const inspected = packer(["inspect", "."], dir, { PKR_VAR_a: "env" });
    const packerA = /var\.a: "([^"]*)"/.exec(inspected.out)?.[1];
    const ours = await loadTemplate(dir, { env: { PKR_VAR_a: "env" } });
    expect(packerA).toBe("auto-b");
    expect(ours.builds[0]?.provisioners?.[0]?.config.inline).toEqual([`echo ${packerA} 1`]);
  });

  it.each([
    ["an unterminated string", 'source "null" "x" {\n  communicator = "none\n}\n'],
    ["a missing expression", 'source "null" "x" {\n  communicator =\n}\n'],
    ["a redefined argument", 'source "null" "x" {\n  communicator = "none"\n  communicator = "ssh"\n}\n'],
    ["a bad operator", "locals {\n  a = 1 +* 2\n}\n"],
    // Not compared: an unclosed block. hcl2json's newer hcl names the block's opening line ("Unclosed
    // configuration block"), Packer 1.6.6's hcl the end of the file.
  ])("reports %s on the line Packer reports", async (_, text) => {
    const dir = fixture({ "main.pkr.hcl": text });
    const validated = packer(["validate", "."], dir);
    expect(validated.code).not.toBe(0);
    const packerLine = Number(/on main\.pkr\.hcl line (\d+)/.exec(validated.out)?.[1]);
    const ours = await kiln(dir, { env: {} });
    expect(ours.ok).toBe(false);
    const first = ours.ok ? undefined : ours.error.problems[0];
    expect(first?.where?.file).toBe(path.join(dir, "main.pkr.hcl"));
    expect(first?.where?.line).toBe(packerLine);
  });

  it.each([
    ["a valid template", VARIABLES, true],
    [
      "an unset variable",
      'variable "v" {\n  type = string\n}\nsource "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.x"]\n}\n',
      false,
    ],
    [
      "a variable defaulting to null",
      'variable "v" {\n  type    = string\n  default = null\n}\nsource "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.x"]\n}\n',
      true,
    ],
    [
      "an unknown source",
      'source "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.y"]\n}\n',
      false,
    ],
    [
      "a duplicate source",
      'source "null" "x" {\n  communicator = "none"\n}\nsource "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.x"]\n}\n',
      false,
    ],
    [
      "an undeclared variable",
      'source "null" "x" {\n  communicator = var.nope\n}\nbuild {\n  sources = ["source.null.x"]\n}\n',
      false,
    ],
    [
      "a default of the wrong type",
      'variable "n" {\n  type = number\n  default = "x"\n}\nsource "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.x"]\n}\n',
      false,
    ],
    [
      "a variable in a var file",
      'variables {\n  a = 1\n}\nsource "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.x"]\n  source "source.null.x" {\n    name = "renamed"\n  }\n}\n',
      true,
    ],
    [
      "locals using locals",
      `locals {\n  b = "\${local.a}-b"\n  a = "a"\n}\nsource "null" "x" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.x"]\n  provisioner "shell-local" {\n    inline = [local.b]\n  }\n}\n`,
      true,
    ],
  ])("agrees on whether %s is valid", async (_, text, valid) => {
    const dir = fixture({ "main.pkr.hcl": text });
    const validated = packer(["validate", "."], dir);
    expect(validated.code === 0, validated.out).toBe(valid);
    expect((await kiln(dir, { env: {} })).ok).toBe(valid);
  });

  it("agrees on legacy JSON templates, valid and not", async () => {
    const valid = {
      variables: { greeting: "hello", who: null },
      builders: [{ type: "null", communicator: "none" }],
      provisioners: [{ type: "shell-local", inline: ["echo {{user `greeting`}} {{user `who`}} {{build_name}}"] }],
    };
    const dir = fixture({
      "ok.json": JSON.stringify(valid),
      "missing-type.json": JSON.stringify({ builders: [{ communicator: "none" }] }),
      "unknown-key.json": JSON.stringify({ ...valid, bogus: 1 }),
    });
    expect(packer(["validate", "-var", "who=me", "ok.json"], dir).code).toBe(0);
    const ours = await kiln(path.join(dir, "ok.json"), { vars: { who: "me" } });
    expect(ours.ok && ours.loaded.builds[0]?.provisioners?.[0]?.config.inline).toEqual(["echo hello me null"]);
    expect(packer(["validate", "ok.json"], dir).code).not.toBe(0);
    expect((await kiln(path.join(dir, "ok.json"), {})).ok).toBe(false);
    for (const bad of ["missing-type.json", "unknown-key.json"]) {
      expect(packer(["validate", bad], dir).code).not.toBe(0);
      expect((await kiln(path.join(dir, bad), {})).ok).toBe(false);
    }
  });
});
