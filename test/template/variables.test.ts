import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../../provider/engine/errors";
import { loadTemplate } from "../../provider/kiln";
import { fixture, loadHcl, problemOf, problemsOf } from "./helpers";

/** A template whose source config shows the variables' values. */
function template(variables: string, shown: string[]): string {
  return `${variables}
source "null" "a" {
  communicator = "none"
${shown.map((name) => `  ${name} = var.${name}`).join("\n")}
}
build { sources = ["source.null.a"] }
`;
}

async function values(
  variables: string,
  shown: string[],
  options: Parameters<typeof loadHcl>[1] = {},
  extra: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const loaded = await loadHcl(template(variables, shown), options, extra);
  const { communicator: _, ...config } = loaded.builds[0]?.sources[0]?.config ?? {};
  return config;
}

describe("variable precedence", () => {
  const decl = `variable "a" {
  type    = string
  default = "default"
}`;

  it("uses the default when nothing else sets the variable", async () => {
    expect(await values(decl, ["a"])).toEqual({ a: "default" });
  });

  it("ranks default < PKR_VAR_ < auto var files (by name) < -var-file (in order) < -var", async () => {
    const dir = fixture({
      "main.pkr.hcl": template(decl, ["a"]),
      "a.auto.pkrvars.hcl": 'a = "auto-a"',
      "b.auto.pkrvars.hcl": 'a = "auto-b"',
      "one.pkrvars.hcl": 'a = "file-one"',
      "two.pkrvars.json": '{"a": "file-two"}',
    });
    const load = (options: Parameters<typeof loadTemplate>[1]) =>
      loadTemplate(dir, options).then((l) => l.builds[0]?.sources[0]?.config.a);
    const env = { PKR_VAR_a: "env" };
    expect(await load({ env })).toBe("auto-b");
    const varFiles = [path.join(dir, "one.pkrvars.hcl"), path.join(dir, "two.pkrvars.json")];
    expect(await load({ env, varFiles })).toBe("file-two");
    expect(await load({ env, varFiles: [...varFiles].reverse() })).toBe("file-one");
    expect(await load({ env, varFiles, vars: { a: "cli" } })).toBe("cli");
  });

  it("lets a null value fall through to the next source down", async () => {
    const dir = fixture({ "main.pkr.hcl": template(decl, ["a"]), "n.pkrvars.hcl": "a = null\n" });
    const loaded = await loadTemplate(dir, { env: { PKR_VAR_a: "env" }, varFiles: [path.join(dir, "n.pkrvars.hcl")] });
    expect(loaded.builds[0]?.sources[0]?.config.a).toBe("env");
  });

  it("takes PKR_VAR_ over the default, and ignores PKR_VAR_ names the template does not declare", async () => {
    expect(await values(decl, ["a"], { env: { PKR_VAR_a: "env", PKR_VAR_other: "x" } })).toEqual({ a: "env" });
  });

  it("lists the files it read, auto and explicit var files included", async () => {
    const dir = fixture({
      "main.pkr.hcl": template(decl, ["a"]),
      "x.auto.pkrvars.hcl": 'a = "x"',
      "y.pkrvars.hcl": 'a = "y"',
    });
    const loaded = await loadTemplate(dir, { env: {}, varFiles: [path.join(dir, "y.pkrvars.hcl")] });
    expect(loaded.files.map((f) => path.basename(f))).toEqual(["main.pkr.hcl", "x.auto.pkrvars.hcl", "y.pkrvars.hcl"]);
  });
});

describe("variable types", () => {
  it("converts -var and PKR_VAR_ text to the declared type", async () => {
    const decls = `
variable "n" { type = number }
variable "b" { type = bool }
variable "l" { type = list(string) }
variable "m" { type = map(number) }
variable "o" {
  type = object({ name = string, size = optional(number, 8), tags = optional(list(string)) })
}
variable "t" { type = tuple([string, number]) }
variable "s" { type = set(string) }
`;
    const result = await values(decls, ["n", "b", "l", "m", "o", "t", "s"], {
      vars: {
        n: "3",
        b: "true",
        l: '["x", 1]',
        m: '{ a = 1, b = "2" }',
        o: '{ name = "n", extra = 1 }',
        t: '["a", "5"]',
      },
      env: { PKR_VAR_s: '["b", "a", "b"]' },
    });
    expect(result).toEqual({
      n: 3,
      b: true,
      l: ["x", "1"],
      m: { a: 1, b: 2 },
      o: { name: "n", size: 8, tags: null },
      t: ["a", 5],
      s: ["a", "b"],
    });
  });

  it("infers a primitive type from the default", async () => {
    const decls = `variable "n" { default = 1 }
variable "s" { default = "x" }
variable "u" {}`;
    expect(await values(decls, ["n", "s", "u"], { vars: { n: "42", s: "[1]", u: "[1]" } })).toEqual({
      n: 42,
      s: "[1]",
      u: "[1]",
    });
  });

  it("parses collection values given as text as HCL expressions", async () => {
    expect(await values(`variable "l" { default = ["a"] }`, ["l"], { vars: { l: '["x", "y"]' } })).toEqual({
      l: ["x", "y"],
    });
  });

  it("reads the legacy variables {} block", async () => {
    expect(await values(`variables {\n  a = "one"\n  n = 2\n}`, ["a", "n"], { vars: { n: "5" } })).toEqual({
      a: "one",
      n: 5,
    });
  });

  it("allows env() in a default", async () => {
    expect(
      await values(`variable "h" { default = env("KILN_TEST_HOME") }`, ["h"], { env: { KILN_TEST_HOME: "/home/k" } }),
    ).toEqual({
      h: "/home/k",
    });
  });

  it.each([
    [
      `variable "n" {\n  type = number\n  default = "x"\n}`,
      {},
      /main\.pkr\.hcl:3:3: variable "n"\.default: the default is not compatible with the type number: a number is required, got "x"$/,
    ],
    [
      `variable "n" {\n  type = number\n}`,
      { vars: { n: "many" } },
      /main\.pkr\.hcl:1:1: var\.n: invalid value for variable "n" of type number: a number is required, got "many"$/,
    ],
    [
      `variable "o" {\n  type = object({ name = string })\n}`,
      { vars: { o: "{ size = 1 }" } },
      /var\.o: invalid value for variable "o" of type object\(\{name=string\}\): attribute "name" is required$/,
    ],
    [
      `variable "l" {\n  type = list(number)\n}`,
      { vars: { l: '[1, "x"]' } },
      /var\.l: invalid value .*: \[1\]: a number is required, got "x"$/,
    ],
    [
      `variable "l" {\n  type = list(string)\n}`,
      { vars: { l: "[1," } },
      /var\.l: Invalid expression: .* \(in "\[1,"\)$/,
    ],
    [
      `variable "t" {\n  type = strin\n}`,
      {},
      /main\.pkr\.hcl:2:10: variable "t"\.type: The keyword "strin" is not a valid type specification/,
    ],
    [
      `variable "t" {\n  type = "string"\n}`,
      {},
      /main\.pkr\.hcl:2:10: variable "t"\.type: A type specification is a keyword, not a quoted string/,
    ],
    [
      `variable "t" {\n  type = list(string, number)\n}`,
      {},
      /main\.pkr\.hcl:2:10: variable "t"\.type: The list type constructor requires one argument/,
    ],
    [
      `variable "t" {\n  type = optional(string)\n}`,
      {},
      /variable "t"\.type: Keyword "optional" is valid only as a modifier/,
    ],
  ])("rejects %s", async (decl, options, message) => {
    const name = /variable "(\w+)"/.exec(decl)?.[1] as string;
    expect(await problemOf(loadHcl(template(decl, [name]), options))).toMatch(message);
  });
});

describe("variable errors", () => {
  it("names every variable left without a value", async () => {
    const problems = await problemsOf(loadHcl(template(`variable "a" {}\nvariable "b" {}`, ["a", "b"])));
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /main\.pkr\.hcl:1:1: variable "a": unset variable "a": it has no default; give it a value with -var a=…, a var file, or PKR_VAR_a$/,
      ),
      expect.stringMatching(/main\.pkr\.hcl:2:1: variable "b": unset variable "b"/),
    ]);
  });

  it("takes `default = null` as a value, as packer 1.6.6 does: what it sets stays unset", async () => {
    const decl = `variable "host" {\n  type    = string\n  default = null\n}`;
    expect(await values(decl, ["host"])).toEqual({});
    expect(await values(decl, ["host"], { vars: { host: "10.0.0.5" } })).toEqual({ host: "10.0.0.5" });
  });

  it("rejects values for undeclared variables from -var and var files", async () => {
    const dir = fixture({
      "main.pkr.hcl": template(`variable "a" { default = "x" }`, ["a"]),
      "v.pkrvars.hcl": 'a = "ok"\nnope = 1\n',
    });
    const problems = await problemsOf(
      loadTemplate(dir, { env: {}, vars: { other: "1" }, varFiles: [path.join(dir, "v.pkrvars.hcl")] }),
    );
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/v\.pkrvars\.hcl:2:1: var-file\.nope: "nope" is not a declared variable/),
      expect.stringMatching(/^var\.other: -var "other" is not a declared variable/),
    ]);
  });

  it("rejects a variable block in a var file, as Packer does", async () => {
    const dir = fixture({
      "main.pkr.hcl": template(`variable "a" { default = "x" }`, ["a"]),
      "v.pkrvars.hcl": 'variable "a" {\n}\n',
    });
    expect(await problemOf(loadTemplate(dir, { env: {}, varFiles: [path.join(dir, "v.pkrvars.hcl")] }))).toMatch(
      /v\.pkrvars\.hcl:1:1: variable "a": a var file assigns values to variables declared in \.pkr\.hcl files; it cannot declare one/,
    );
  });

  it("reports syntax errors in var files with their position", async () => {
    const dir = fixture({
      "main.pkr.hcl": template(`variable "a" { default = "x" }`, ["a"]),
      "v.pkrvars.hcl": 'a = "x\n',
      "w.pkrvars.json": '{"a": }',
    });
    const problems = await problemsOf(
      loadTemplate(dir, {
        env: {},
        varFiles: [
          path.join(dir, "v.pkrvars.hcl"),
          path.join(dir, "w.pkrvars.json"),
          path.join(dir, "main.pkr.hcl.txt"),
        ],
      }),
    );
    const text = problems.map(formatProblem).join("\n");
    // HashiCorp's parser places the unterminated string at the end of its line.
    expect(text).toMatch(/v\.pkrvars\.hcl:1:7: syntax: Invalid multi-line string: Quoted strings may not be split/);
    expect(text).toMatch(/w\.pkrvars\.json:1:7: var-file: invalid JSON: expected a value, found character "\}"/);
    expect(text).toMatch(/var-file: cannot read .*main\.pkr\.hcl\.txt: ENOENT/);
  });

  it("rejects a var file of unknown format", async () => {
    const dir = fixture({ "main.pkr.hcl": template(`variable "a" { default = "x" }`, ["a"]), "v.txt": "a = 1" });
    expect(await problemOf(loadTemplate(dir, { env: {}, varFiles: [path.join(dir, "v.txt")] }))).toMatch(
      /var-file: cannot tell the format of .*v\.txt: a var file must end in \.hcl or \.json/,
    );
  });

  it.each([
    [
      `variable "a" {\n  default = 1\n  nullable = true\n}`,
      /main\.pkr\.hcl:3:3: variable "a"\.nullable: unsupported argument in a variable block/,
    ],
    [
      `variable "a" {\n  default = 1\n}\nvariable "a" {\n  default = 2\n}`,
      /main\.pkr\.hcl:4:1: variable "a": duplicate variable: "a" is already declared at .*main\.pkr\.hcl:1/,
    ],
    [
      `variable "a" {\n  default = 1\n  sensitive = "yes"\n}`,
      /main\.pkr\.hcl:3:3: variable "a"\.sensitive: must be true or false/,
    ],
    [`variable "a" {\n  default = var.b\n}`, /main\.pkr\.hcl:2:13: variable "a"\.default: /],
  ])("rejects %s", async (decl, message) => {
    expect(await problemOf(loadHcl(template(decl, ["a"])))).toMatch(message);
  });
});

describe("validation blocks", () => {
  const decl = `variable "region" {
  type = string
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+-[0-9]$", var.region))
    error_message = "The region must look like eu-west-1."
  }
  validation {
    condition     = length(var.region) < 12
    error_message = "The region is too long."
  }
}`;

  it("accepts a value that passes every condition", async () => {
    expect(await values(decl, ["region"], { vars: { region: "eu-west-1" } })).toEqual({ region: "eu-west-1" });
  });

  it("reports each failed condition with its error message and position", async () => {
    const problems = await problemsOf(loadHcl(template(decl, ["region"]), { vars: { region: "not a region at all" } }));
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /main\.pkr\.hcl:4:5: variable "region"\.validation: invalid value for variable "region": The region must look like eu-west-1\.$/,
      ),
      expect.stringMatching(
        /main\.pkr\.hcl:8:5: variable "region"\.validation: invalid value for variable "region": The region is too long\.$/,
      ),
    ]);
  });

  it("reports a failing default or var file value where it was written, naming the rule, as Packer does", async () => {
    const withDefault = `variable "env" {\n  default = "qa"\n  validation {\n    condition     = var.env != "qa"\n    error_message = "Not qa."\n  }\n}`;
    expect(await problemOf(loadHcl(template(withDefault, ["env"])))).toMatch(
      /main\.pkr\.hcl:2:3: variable "env"\.validation: invalid value for variable "env": Not qa\. \(checked by the validation rule at \S*main\.pkr\.hcl:4\)$/,
    );
    const dir = fixture({ "main.pkr.hcl": template(withDefault, ["env"]), "v.pkrvars.hcl": '\nenv = "qa"\n' });
    expect(await problemOf(loadTemplate(dir, { env: {}, varFiles: [path.join(dir, "v.pkrvars.hcl")] }))).toMatch(
      /v\.pkrvars\.hcl:2:\d+: variable "env"\.validation: invalid value for variable "env": Not qa\./,
    );
  });

  it("rejects a validation block without error_message", async () => {
    const bad = `variable "a" {\n  default = 1\n  validation {\n    condition = true\n  }\n}`;
    expect(await problemOf(loadHcl(template(bad, ["a"])))).toMatch(
      /main\.pkr\.hcl:3:3: variable "a"\.validation: a validation block needs condition and error_message/,
    );
  });
});

describe("sensitive variables", () => {
  it("lists sensitive variables and collects their string values", async () => {
    const loaded = await loadHcl(
      template(
        `variable "password" {
  type      = string
  sensitive = true
}
variable "keys" {
  type      = map(string)
  sensitive = true
  default   = { a = "key-a", b = "key-b" }
}
variable "port" {
  sensitive = true
  default   = 22
}
variable "plain" {
  default = "visible"
}`,
        ["password"],
      ),
      { vars: { password: "hunter2" } },
    );
    expect(loaded.variables.map((v) => [v.name, v.sensitive, v.where.line])).toEqual([
      ["password", true, 1],
      ["keys", true, 5],
      ["port", true, 10],
      ["plain", false, 14],
    ]);
    expect(loaded.sensitiveValues).toEqual(["hunter2", "key-a", "key-b"]);
    expect(loaded.builds[0]?.sensitiveValues).toEqual(["hunter2", "key-a", "key-b"]);
  });
});
