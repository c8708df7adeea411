import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineEnv, linkCheckoutModules, pulumiCli } from "./engine";

// A newcomer's project: the package as `npm pack` makes it, unpacked into node_modules/kiln as `npm
// install kiln-0.1.0.tgz` would (its dependencies linked from this checkout: no registry here), with the
// tsconfig `pulumi new typescript` writes and the other module resolutions TypeScript users pick.
const ROOT = join(__dirname, "../..");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
let project = "";

/** The tsconfig.json of `pulumi new typescript` (v3), verbatim in substance. */
const PULUMI_NEW_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { BakedImage, type BakedImageArgs } from "kiln/pulumi";

const args: BakedImageArgs = {
  amazonEbs: { region: "us-east-1", sourceAmi: "ami-0a11c0ffee0000002", instanceType: "t3.micro",
               sshUsername: "ubuntu", amiName: "newcomer" },
  provisioners: [{ type: "shell", inline: ["echo hello"] }],
};
const image = new BakedImage("web", args);
export const imageId: pulumi.Output<string> = image.imageId;
`;

beforeAll(() => {
  expect(existsSync(join(ROOT, "dist/provider/pulumi/index.d.ts")), "dist/ is built first (make build)").toBe(true);
  project = mkdtempSync(join(tmpdir(), "kiln-newcomer-"));
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", project], { cwd: ROOT })
    .toString()
    .trim()
    .split("\n")
    .pop() as string;
  const modules = join(project, "node_modules");
  linkCheckoutModules(modules);
  mkdirSync(join(modules, "kiln"));
  execFileSync("tar", ["-xzf", join(project, tarball), "-C", join(modules, "kiln"), "--strip-components=1"]);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "newcomer", main: "index.ts" }));
  writeFileSync(join(project, "index.ts"), PROGRAM);
});
afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const run = promisify(execFile);

/** Type-checks the project (asynchronously: a blocked worker loses touch with vitest). */
async function typecheck(name: string, compilerOptions: Record<string, unknown>): Promise<string> {
  const config = join(project, `tsconfig.${name}.json`);
  const base = PULUMI_NEW_TSCONFIG.compilerOptions;
  writeFileSync(config, JSON.stringify({ ...PULUMI_NEW_TSCONFIG, compilerOptions: { ...base, ...compilerOptions } }));
  try {
    return (await run(process.execPath, [TSC, "-p", config, "--noEmit"], { cwd: project })).stdout;
  } catch (error) {
    throw new Error(`tsc (${name}) failed:\n${(error as { stdout: string }).stdout}`);
  }
}

describe("a newcomer's project with the packed package", () => {
  it("packs only the built package: no tests, no sources", () => {
    const files = readdirSync(join(project, "node_modules/kiln"));
    expect(files.sort()).toEqual(
      ["README.md", "bin", "dist", "package.json", "schema.json"].filter((f) => files.includes(f)),
    );
    expect(existsSync(join(project, "node_modules/kiln/dist/provider/pulumi/index.d.ts"))).toBe(true);
    expect(existsSync(join(project, "node_modules/kiln/dist/test"))).toBe(false);
  });

  it.each([
    ["pulumi new (commonjs, node)", {}],
    ["node16", { module: "node16", moduleResolution: "node16" }],
    ["nodenext", { module: "nodenext", moduleResolution: "nodenext" }],
    ["bundler", { module: "esnext", moduleResolution: "bundler" }],
  ])('`import { BakedImage } from "kiln/pulumi"` type-checks under %s', { timeout: 240_000 }, async (name, options) => {
    // No skipLibCheck: `pulumi new` leaves it unset, so every declaration Kiln publishes must check too.
    expect(await typecheck(name.split(" ")[0] as string, options)).toBe("");
  });

  it("`pulumi preview` runs the TypeScript program and the provider checks the image", {
    timeout: 180_000,
  }, async () => {
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(PULUMI_NEW_TSCONFIG));
    writeFileSync(
      join(project, "Pulumi.yaml"),
      "name: newcomer\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
    );
    const state = join(project, "state");
    mkdirSync(state);
    pulumiCli(project, project, ["login", `file://${state}`]);
    pulumiCli(project, project, ["stack", "init", "dev"]);
    const env = { ...process.env, ...engineEnv(project) };
    delete env.NODE_OPTIONS; // nothing of the repository's: the project loads dist/ from node_modules/kiln
    const preview = await run("pulumi", ["preview", "--non-interactive"], { cwd: project, env }).then(
      (r) => r.stdout,
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`pulumi preview failed:\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
      },
    );
    expect(preview).toMatch(/\+\s+pulumi-nodejs:dynamic\/kiln:BakedImage\s+web\s+create/);
    expect(preview).not.toContain("NodeVersionSupportWarning");
  });
});
