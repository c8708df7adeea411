// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL source, where ${} is HCL interpolation.
// Functions and behaviours Packer 1.6.6 cannot be asked about (it predates them or its console cannot show
// them): expectations come from Packer's function documentation (website/content/docs/templates/
// hcl_templates/functions/**) and cty's documented semantics, cited per case.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareSync, getRounds } from "bcryptjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type EvalScope,
  ExpressionError,
  evaluateExpressionText,
  type HclValue,
  isUnknown,
  UNKNOWN,
} from "../../provider/template/expr/evaluate";
import { loadHclParser } from "../../provider/template/expr/parser";

const FIXED_NOW = new Date("2021-03-04T05:06:07.250Z");
let dir: string;

function scope(extra: Partial<EvalScope> = {}): EvalScope {
  return {
    file: "t.pkr.hcl",
    variables: { var: { name: "kiln", n: 3 }, build: { ID: UNKNOWN, name: "b" } },
    functions: { baseDir: dir, now: () => FIXED_NOW },
    ...extra,
  };
}
const run = (expr: string, extra?: Partial<EvalScope>): HclValue => evaluateExpressionText(expr, scope(extra));
function fails(expr: string): ExpressionError {
  try {
    run(expr);
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error(`${expr} did not fail`);
}

beforeAll(async () => {
  await loadHclParser();
  dir = mkdtempSync(join(tmpdir(), "kiln-expr-doc-"));
  writeFileSync(join(dir, "backends.tftpl"), "%{ for addr in ip_addrs ~}\nbackend ${addr}:${port}\n%{ endfor ~}\n");
  writeFileSync(join(dir, "greeting.tpl"), "Hello, ${upper(name)}!\\n stays, $${literal}");
});

describe("regex and regexall (docs: functions/string/regex)", () => {
  it.each([
    ['regex("[a-z]+", "53453453.345345aaabbbccc23454")', "aaabbbccc"],
    ['regex("(\\\\d\\\\d\\\\d\\\\d)-(\\\\d\\\\d)-(\\\\d\\\\d)", "2019-02-01")', ["2019", "02", "01"]],
    [
      'regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")',
      { authority: "terraform.io", scheme: "https" },
    ],
    ['regex("(a)|(b)", "b")', [null, "b"]],
    ['regexall("[a-z]+", "1234abcd5678efgh9")', ["abcd", "efgh"]],
    ['length(regexall("[a-z]+", "1234abcd5678efgh9"))', 2],
    ['length(regexall("[a-z]+", "123456789")) > 0', false],
    ['regex("(?i)HELLO", "say hello")', "hello"],
  ])("%s", (expr, want) => {
    expect(run(expr)).toEqual(want);
  });

  it("fails when the pattern does not match or mixes named and unnamed groups", () => {
    expect(fails('regex("z", "abc")').detail).toContain("pattern did not match");
    expect(fails('regex("(?P<a>x)(y)", "xy")').detail).toContain("cannot mix both named and unnamed");
  });
});

describe("type conversion functions (docs: functions/conversion/*)", () => {
  it.each([
    ['tostring("hello")', "hello"],
    ["tostring(1)", "1"],
    ["tostring(true)", "true"],
    ["tostring(null)", null],
    ['tonumber("1")', 1],
    ["tonumber(1)", 1],
    ["tonumber(null)", null],
    ['tobool("true")', true],
    ["tobool(false)", false],
    ["tobool(null)", null],
    ['tolist(["a", "b", "c"])', ["a", "b", "c"]],
    ['tolist(["a", "b", 3])', ["a", "b", "3"]],
    ['toset(["a", "b", "c", "b"])', ["a", "b", "c"]],
    ['toset(["c", "b", "b"])', ["b", "c"]],
    ['tomap({"a" = 1, "b" = 2})', { a: 1, b: 2 }],
    ['tomap({"a" = "foo", "b" = true})', { a: "foo", b: "true" }],
  ])("%s", (expr, want) => {
    expect(run(expr)).toEqual(want);
  });

  it("refuses impossible conversions", () => {
    expect(fails('tonumber("no")').summary).toBe("Invalid function argument");
    expect(fails('tobool("yes")').summary).toBe("Invalid function argument");
    expect(fails("tostring([])").summary).toBe("Invalid function argument");
  });
});

describe("templatefile (docs: functions/file/templatefile)", () => {
  it("renders directives with the given variables only", () => {
    expect(run('templatefile("backends.tftpl", { port = 8080, ip_addrs = ["10.0.0.1", "10.0.0.2"] })')).toBe(
      "backend 10.0.0.1:8080\nbackend 10.0.0.2:8080\n",
    );
  });
  it("does not process backslash escapes but does unescape $${", () => {
    expect(run('templatefile("greeting.tpl", { name = "world" })')).toBe("Hello, WORLD!\\n stays, ${literal}");
  });
  it("cannot see the caller's variables", () => {
    expect(fails('templatefile("greeting.tpl", { other = 1 })').summary).toBe("Unknown variable");
  });
});

describe("legacy_isotime and legacy_strftime (docs: functions/datetime/legacy_*)", () => {
  it.each([
    ['legacy_isotime("2006-01-02")', "2021-03-04"],
    ['legacy_isotime("Mon Jan _2 15:04:05 MST 2006")', "Thu Mar  4 05:06:07 UTC 2021"],
    ['legacy_isotime("06-1-2 3:4:5 PM .000")', "21-3-4 5:6:7 AM .250"],
    ["legacy_isotime()", "2021-03-04T05:06:07Z"],
    ['legacy_strftime("%Y-%m-%d %H:%M:%S")', "2021-03-04 05:06:07"],
    ['legacy_strftime("%a %A %b %B %y %p %Z %z %%")', "Thu Thursday Mar March 21 AM UTC +0000 %"],
  ])("%s", (expr, want) => {
    expect(run(expr)).toBe(want);
  });
});

describe("functions newer than 1.6.6 (docs: functions/collection, functions/string)", () => {
  it.each([
    ['setsubtract(["a", "b", "c"], ["a", "c"])', ["b"]],
    ["alltrue([true, true])", true],
    ['alltrue(["true", false])', false],
    ["anytrue([false, true])", true],
    ["anytrue([])", false],
    ["sum([10, 13, 6, 4.5])", 33.5],
    ['startswith("hello world", "hello")', true],
    ['endswith("hello world", "world")', true],
    ['strcontains("hello world", "wor")', true],
    ["timestamp()", "2021-03-04T05:06:07Z"],
  ])("%s", (expr, want) => {
    expect(run(expr)).toEqual(want);
  });
});

describe("unknown values (values only known at build time)", () => {
  it("propagate through operators, templates, functions and traversals", () => {
    expect(isUnknown(run("build.ID"))).toBe(true);
    expect(isUnknown(run('"ami-${build.ID}"'))).toBe(true);
    expect(isUnknown(run("upper(build.ID)"))).toBe(true);
    expect(isUnknown(run("build.ID == 1"))).toBe(true);
    expect(isUnknown(run("build.ID.foo[0]"))).toBe(true);
    expect(isUnknown(run("build.ID ? 1 : 2"))).toBe(true);
    expect(run("length([build.ID, 1])")).toBe(2);
    expect(run('"${build.name}"')).toBe("b");
  });
});

describe("bcrypt (random salt: checked by shape, cost and verification)", () => {
  it("hashes with Go's $2a$ prefix and default cost 10, and the hash verifies against the input", () => {
    const hash = run('bcrypt("correct horse")') as string;
    expect(hash).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(getRounds(hash)).toBe(10);
    expect(compareSync("correct horse", hash)).toBe(true);
    expect(compareSync("wrong horse", hash)).toBe(false);
    // A fresh salt every call.
    expect(run('bcrypt("correct horse")')).not.toBe(hash);
  });

  it("takes a cost; below 4 means the default, as Go's bcrypt does", () => {
    const cheap = run('bcrypt("pw", 4)') as string;
    expect(cheap.startsWith("$2a$04$")).toBe(true);
    expect(compareSync("pw", cheap)).toBe(true);
    expect(getRounds(run('bcrypt("pw", 1)') as string)).toBe(10);
    expect(compareSync("", run('bcrypt("")') as string)).toBe(true);
  });

  it("rejects a cost above 31, a fractional cost and a third argument", () => {
    expect(fails('bcrypt("pw", 32)').detail).toContain("cost 32 is outside allowed range (4,31)");
    expect(fails('bcrypt("pw", 4.5)').detail).toContain("whole number");
    expect(fails('bcrypt("pw", 4, 5)').detail).toContain("no more than two arguments");
  });
});
