import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateSdk, installPythonSdk, missing, PYTHON_VENV } from "./plugin-harness";

// The SDKs generated from the committed schema.json compile: Python with the `pulumi` package from PyPI,
// Go against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy (cached per machine after the first run).
const run = promisify(execFile);
const MINUTES = 60_000;
const GO_SDK_VERSION = "v3.206.0";
const work = mkdtempSync(join(tmpdir(), "kiln-sdk-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(missing("kiln-gen-sdk"))("SDKs generated from schema.json", () => {
  it("Python: every module compiles and the package imports", { timeout: 2 * MINUTES }, async () => {
    const out = await generateSdk("python", join(work, "python"));
    const python = join(PYTHON_VENV, "bin/python");
    await run(python, ["-m", "compileall", "-q", join(out, "pulumi_kiln")]);
    const site = await installPythonSdk(out, join(work, "site"));
    const { stdout } = await run(
      python,
      ["-c", "import pulumi_kiln as k; print(k.BakedImage.__name__, k.AmazonEbsArgs.__name__)"],
      {
        env: { ...process.env, PYTHONPATH: site },
      },
    );
    expect(stdout.trim()).toBe("BakedImage AmazonEbsArgs");
  });

  it("Go: the module builds", { timeout: 10 * MINUTES }, async () => {
    const out = await generateSdk("go", join(work, "go"));
    writeFileSync(
      join(out, "go.mod"),
      `module github.com/kiln-iac/kiln/sdk/go\n\ngo 1.24\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${GO_SDK_VERSION}\n`,
    );
    const env = { ...process.env, GOFLAGS: "-mod=mod" };
    await run("go", ["mod", "tidy"], { cwd: out, env });
    const { stderr } = await run("go", ["build", "./..."], { cwd: out, env });
    expect(stderr).toBe("");
    const { stdout } = await run("go", ["list", "./..."], { cwd: out, env });
    expect(stdout).toContain("github.com/kiln-iac/kiln/sdk/go/kiln");
  });
});
