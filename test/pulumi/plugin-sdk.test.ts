import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { generateSdk, installPythonSdk, missing, PYTHON_VENV, ROOT } from "./plugin-harness";

// The SDKs generated from the committed schema.json compile: Python with the `pulumi` package from PyPI,
// Go against github.com/pulumi/pulumi/sdk/v3 from the Go module proxy (cached per machine after the first run);
// .NET generated offline, and built where a `dotnet` SDK is on PATH (not on this machine).
const run = promisify(execFile);
const MINUTES = 60_000;
const GO_SDK_VERSION = "v3.206.0";
const dotnet = (process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, "dotnet")));
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

  it(".NET: generated offline (HTTP(S) to a dead proxy), a project with the resource, the component, icon and version", {
    timeout: MINUTES,
  }, async () => {
    // Any request the generator made (Pulumi's logo on GitHub, by default) would fail through this proxy.
    const offline = { ...process.env, HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9" };
    const out = await generateSdk("dotnet", join(work, "dotnet"), offline);
    const read = (file: string) => readFileSync(join(out, file), "utf8");
    expect(read("Kiln.Kiln.csproj")).toContain("<PackageIcon>logo.png</PackageIcon>");
    expect(read("BakedImage.cs")).toContain("public partial class BakedImage : global::Pulumi.CustomResource");
    expect(read("ImmutableFleet.cs")).toMatch(/base\("kiln:index:ImmutableFleet", .*remote: true\)/);
    expect(readFileSync(join(out, "logo.png")).subarray(1, 4).toString()).toBe("PNG");
    const schema = JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8")) as { version: string };
    expect(read("version.txt").trim()).toBe(schema.version);
  });

  it.skipIf(!dotnet)(
    ".NET: the project builds (needs a dotnet SDK on PATH and NuGet)",
    { timeout: 10 * MINUTES },
    async () => {
      const out = await generateSdk("dotnet", join(work, "dotnet-build"));
      const { stdout } = await run("dotnet", ["build", out], { maxBuffer: 16 * 1024 * 1024 });
      expect(stdout).toMatch(/Build succeeded/);
    },
  );
});
