import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { MOTO_CREDENTIALS, SOURCE_AMIS } from "../fixtures/moto";
import { engineEnv } from "./engine";
import { type Env, REGION } from "./harness";

export const ROOT = join(__dirname, "../..");
/** Where `pulumi-resource-kiln` is: projects name it in `plugins: providers:` (runs dist/, so `make build`). */
export const PLUGIN_DIR = join(ROOT, "bin");
/** Where setup puts the Python virtualenv with the `pulumi` package from PyPI. */
export const PYTHON_VENV = join(ROOT, ".kiln/pulumi-python");
/** A `secret` input that must never show in output or state in plain text. */
export const TOKEN = "kiln-plugin-token-5b1e";

const run = promisify(execFile);

/** `pulumi <args>` in a project directory, as a user's shell runs it, with the tests' variables: its stdout. */
export async function pulumi(
  dir: string,
  base: string,
  args: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<string> {
  const { stdout } = await run("pulumi", [...args, "--non-interactive"], {
    cwd: dir,
    env: { ...process.env, ...engineEnv(base), ...extraEnv },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`pulumi ${args.join(" ")} failed: ${error.message}\n${error.stdout ?? ""}\n${error.stderr ?? ""}`);
  });
  return stdout;
}

/** `pulumi <args>` left running, its output collected, for interrupting it. */
export function pulumiRunning(dir: string, base: string, args: readonly string[]) {
  const child: ChildProcess = spawn("pulumi", [...args, "--non-interactive"], {
    cwd: dir,
    env: { ...process.env, ...engineEnv(base) },
  });
  const state = { output: "" };
  const append = (chunk: Buffer) => {
    state.output += chunk;
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return { child, state, exited: once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]> };
}

/** The `amazonEbs` block pointed at moto and the local sshd, as every language writes it. */
export function amazonEbs(env: Env) {
  return {
    region: REGION,
    accessKey: MOTO_CREDENTIALS.accessKeyId,
    secretKey: MOTO_CREDENTIALS.secretAccessKey,
    customEndpointEc2: env.moto.endpoint,
    sourceAmi: SOURCE_AMIS.jammyNew.id,
    instanceType: "t3.micro",
    amiName: "kiln-plugin-test",
    temporarySecurityGroupSourceCidrs: ["203.0.113.7/32"],
    sshHost: env.sshd.host,
    sshPort: env.sshd.port,
    sshUsername: env.sshd.username,
    sshPrivateKeyFile: env.sshd.privateKeyPath,
  };
}

/** A project folder with a `file://` backend in `base` and a stack `dev`, using the plugin from this checkout. */
export async function pluginProject(
  base: string,
  name: string,
  runtime: string,
  files: Record<string, string>,
): Promise<string> {
  const dir = mkdtempSync(join(base, `${name}-`));
  const pulumiYaml = [
    `name: ${name}`,
    runtime,
    "backend:",
    `  url: file://${join(base, "state")}`,
    "plugins:",
    "  providers:",
    "    - name: kiln",
    `      path: ${PLUGIN_DIR}`,
  ].join("\n");
  writeFileSync(join(dir, "Pulumi.yaml"), `${pulumiYaml}\n${files["Pulumi.yaml"] ?? ""}`);
  for (const [file, content] of Object.entries(files))
    if (file !== "Pulumi.yaml") writeFileSync(join(dir, file), content);
  await run("mkdir", ["-p", join(base, "state")]);
  await pulumi(dir, base, ["stack", "init", "dev"]);
  return dir;
}

/**
 * Why a plugin test cannot run here, or undefined when it can: the language hosts and kiln-gen-sdk are
 * built by setup from the Go module proxy, which a machine without a recent Go cannot do. Printed.
 */
export function missing(...tools: readonly ("pulumi-language-yaml" | "pulumi-language-python" | "kiln-gen-sdk")[]) {
  const absent = tools.filter((tool) =>
    tool === "kiln-gen-sdk"
      ? !existsSync(GEN_SDK)
      : !(process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, tool))),
  );
  if (!absent.length) return undefined;
  const reason = `${absent.join(", ")} not found (scripts/setup.sh builds them): skipped`;
  process.stderr.write(`${reason}\n`);
  return reason;
}

/** kiln-gen-sdk, built by setup (scripts/gen-sdk): Pulumi's SDK generators on schema.json. */
export const GEN_SDK = process.env.KILN_GEN_SDK ?? "";

/**
 * Installs the generated Python SDK into `target` (with its package metadata, which the SDK reads its
 * version from), for PYTHONPATH: the shared virtualenv is left as setup made it.
 */
export async function installPythonSdk(sdk: string, target: string): Promise<string> {
  const pip = join(PYTHON_VENV, "bin/pip");
  await run(pip, ["install", "-q", "--no-deps", "--no-build-isolation", "--target", target, sdk]);
  return target;
}

/** Generates Kiln's SDK for `language` from the committed schema.json into `out`. */
export async function generateSdk(
  language: "python" | "go" | "nodejs" | "dotnet",
  out: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  await run(GEN_SDK, [join(ROOT, "schema.json"), language, out], { env });
  return out;
}

/** The steps `pulumi preview --json` plans, as `op urn-name` pairs. */
export function plannedSteps(previewJson: string): { op: string; name: string; type: string }[] {
  const plan = JSON.parse(previewJson) as { steps?: { op: string; urn: string }[] };
  return (plan.steps ?? []).map((s) => {
    const parts = s.urn.split("::");
    return { op: s.op, name: parts[3] ?? "", type: parts[2] ?? "" };
  });
}
