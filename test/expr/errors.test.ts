// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are HCL source, where ${} is HCL interpolation.
// Error positions (1-based line/column of the offending node) and Packer-like messages.
import { beforeAll, describe, expect, it } from "vitest";
import {
  ExpressionError,
  evaluate,
  evaluateExpressionText,
  type HclValue,
  referencedNames,
} from "../../provider/template/expr/evaluate";
import { loadHclParser, parseHcl } from "../../provider/template/expr/parser";

const scope = {
  file: "build.pkr.hcl",
  variables: {
    var: { name: "kiln", list: ["a", "b"], obj: { a: 1 } } as HclValue,
    local: { x: 1 } as HclValue,
  },
};

function errorOf(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error("expected an ExpressionError");
}

/** Evaluates the `value` attribute of a small file, so positions are those of a real template. */
function evalAttr(text: string, functions = {}): HclValue {
  const tree = parseHcl(text, "build.pkr.hcl");
  const attr = tree.rootNode.descendantsOfType("attribute").find((a) => a?.namedChildren[0]?.text === "value")!;
  return evaluate(attr.namedChildren[1]!, { ...scope, functions });
}

beforeAll(async () => {
  await loadHclParser();
});

describe("error positions", () => {
  it("points at the attribute step that is missing, on the right line", () => {
    const e = errorOf(() => evalAttr(`locals {\n  a = 1\n  value = "x-${"${"}var.obj.nope}"\n}\n`));
    expect(e.summary).toBe("Unsupported attribute");
    expect(e.detail).toBe('This object does not have an attribute named "nope".');
    expect(e.where).toEqual({ file: "build.pkr.hcl", line: 3, column: 23 });
    expect(e.code).toBe("EXPRESSION_INVALID");
    expect(e.message).toBe(
      'build.pkr.hcl:3:23: Unsupported attribute; This object does not have an attribute named "nope".',
    );
  });

  it("names undeclared input variables and locals like current Packer", () => {
    const v = errorOf(() => evalAttr("value = var.missing\n"));
    expect(v.summary).toBe("Reference to undeclared input variable");
    expect(v.detail).toContain('variable "missing" {}');
    expect(v.where).toMatchObject({ line: 1, column: 12 });
    const l = errorOf(() => evalAttr("value = local.missing\n"));
    expect(l.summary).toBe("Reference to undeclared local value");
  });

  it("reports unknown root names and unknown functions at the name", () => {
    const u = errorOf(() => evalAttr("value = [1,\n  nope]\n"));
    expect(u.summary).toBe("Unknown variable");
    expect(u.where).toMatchObject({ line: 2, column: 3 });
    const f = errorOf(() => evalAttr("value = upper(nosuch(1))\n"));
    expect(f.summary).toBe("Call to unknown function");
    expect(f.detail).toBe('There is no function named "nosuch".');
    expect(f.where).toMatchObject({ line: 1, column: 15 });
  });

  it("reports a bad argument at that argument with the parameter name", () => {
    const e = errorOf(() => evalAttr('value = substr("abc", [1], 1)\n'));
    expect(e.summary).toBe("Invalid function argument");
    expect(e.detail).toBe('Invalid value for "offset" parameter: number required.');
    expect(e.where).toMatchObject({ line: 1, column: 23 });
  });

  it("reports function failures at the call", () => {
    const e = errorOf(() => evalAttr('value = file("definitely-missing.txt")\n'));
    expect(e.summary).toBe("Error in function call");
    expect(e.detail).toBe('Call to function "file" failed: no file exists at definitely-missing.txt.');
    expect(e.where).toMatchObject({ line: 1, column: 9 });
  });

  it("reports operand errors at the operand", () => {
    const e = errorOf(() => evalAttr('value = 1 + "x"\n'));
    expect(e.summary).toBe("Invalid operand");
    expect(e.where).toMatchObject({ line: 1, column: 13 });
  });

  it("reports interpolation of null and of collections inside templates", () => {
    const n = errorOf(() => evalAttr(`value = "a \${null} b"\n`));
    expect(n.summary).toBe("Invalid template interpolation value");
    expect(n.detail).toContain("null");
    expect(n.where).toMatchObject({ line: 1, column: 14 });
    const l = errorOf(() => evalAttr(`value = "a \${var.list} b"\n`));
    expect(l.detail).toContain("string required");
  });

  it("reports out-of-range and wrong-type indexes", () => {
    expect(errorOf(() => evalAttr("value = var.list[2]\n")).summary).toBe("Invalid index");
    expect(errorOf(() => evalAttr("value = var.name[0]\n")).summary).toBe("Invalid index");
    expect(errorOf(() => evalAttr("value = toset([1])[0]\n")).detail).toContain("Elements of a set");
  });

  it("reports syntax errors as Invalid expression", () => {
    const e = errorOf(() => evaluateExpressionText("[1, +]", scope));
    expect(e.summary).toBe("Invalid expression");
    expect(e.where).toMatchObject({ line: 1 });
  });

  it("shifts columns back for standalone expressions", () => {
    const e = errorOf(() => evaluateExpressionText("var.obj.zzz", scope));
    expect(e.where).toEqual({ file: "build.pkr.hcl", line: 1, column: 8 });
  });

  it("refuses env() unless the policy allows it", () => {
    const e = errorOf(() => evalAttr('value = env("HOME")\n'));
    expect(e.summary).toBe("Call to unknown function");
    expect(e.detail).toContain("variable");
    expect(evalAttr('value = env("KILN_TEST_VAR")\n', { allowEnv: true, env: { KILN_TEST_VAR: "set" } })).toBe("set");
    expect(evalAttr('value = env("KILN_UNSET")\n', { allowEnv: true, env: {} })).toBe("");
  });

  it("reports errors inside templatefile() with the template's own file and line", () => {
    const { mkdtempSync, writeFileSync } = require("node:fs") as typeof import("node:fs");
    const dir = mkdtempSync(require("node:path").join(require("node:os").tmpdir(), "kiln-tpl-"));
    writeFileSync(`${dir}/t.tpl`, "line one\nhello ${missing}\n");
    const e = errorOf(() => evalAttr('value = templatefile("t.tpl", { name = "x" })\n', { baseDir: dir }));
    expect(e.summary).toBe("Unknown variable");
    expect(e.where).toEqual({ file: "t.tpl", line: 2, column: 9 });
  });
});

describe("referencedNames", () => {
  it("lists root.attribute references and ignores for-expression iterators and literal keys", () => {
    const tree = parseHcl(
      'x = "${var.a}-${local.b[0]}" != join(",", [for v in local.c : v.name if v.on]) ? { k = path.root } : each\n',
      "f.hcl",
    );
    const expr = tree.rootNode.descendantsOfType("attribute")[0]!.namedChildren[1]!;
    expect(referencedNames(expr).sort()).toEqual(["each", "local.b", "local.c", "path.root", "var.a"]);
  });
});

describe("number literals with an exponent and no fraction", () => {
  it("keep every later position in the file right", () => {
    const e = errorOf(() => evalAttr('other = "é"\nvalue = [1e3, 2E-2, var.missing]\n'));
    expect(e.summary).toBe("Reference to undeclared input variable");
    expect(e.where).toMatchObject({ line: 2, column: 24 });
    expect(evalAttr("value = [1e3, 2E-2]\n")).toEqual([1000, 0.02]);
  });
});
