import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { bakedImageProvider } from "../../provider/pulumi/provider";
import { processesMatching } from "../fixtures/sshd";
import {
  amiTags,
  type BakedImageInputs,
  type BakedImageOutputs,
  type Env,
  ebsArgs,
  inputsFor,
  leftovers,
  REGION,
  useEnv,
} from "./harness";

// Pulumi serializes the provider object into the resource's `__provider` input and rebuilds it in its
// provider host, a separate Node process. These tests do the same: serialize it here, then run each
// operation in a fresh `node` process from nothing but that text, against moto and a real sshd.
const env = useEnv();
const ROOT = join(__dirname, "../..");
const HOST = join(__dirname, "provider-host.cjs");
const TS_REQUIRE = join(__dirname, "ts-require.cjs");
let serialized = "";

beforeAll(async () => {
  // Exactly what pulumi.dynamic.Resource does with the provider.
  serialized = (await pulumi.runtime.serializeFunction(() => bakedImageProvider, { allowSecrets: true })).text;
});

interface HostRun {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    result?: unknown;
    error?: { message: string };
  }>;
}

/** Starts a fresh provider host for one operation, in the project directory as Pulumi does. */
function host(e: Env, op: string, payload: unknown): HostRun {
  const file = join(e.work, "provider.js");
  writeFileSync(file, serialized);
  const child = spawn(process.execPath, ["--require", TS_REQUIRE, HOST, file, op], {
    cwd: e.work,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stdin?.end(JSON.stringify(payload));
  const done = once(child, "exit").then(([code, signal]) => {
    const result = /^RESULT (.*)$/m.exec(output)?.[1];
    const error = /^ERROR (.*)$/m.exec(output)?.[1];
    return {
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      result: result ? JSON.parse(result) : undefined,
      error: error ? JSON.parse(error) : undefined,
    };
  });
  return { child, output: () => output, done };
}

/** Waits for a process that is not our child to exit. */
async function exited(pid: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process ${pid} is still running`);
}

/** The source config the provider builds from these inputs (credentials and endpoint included). */
function ebsConfigOf(inputs: BakedImageInputs): Record<string, unknown> {
  const ebs = inputs.amazonEbs as Record<string, unknown>;
  return {
    region: ebs.region,
    access_key: ebs.accessKey,
    secret_key: ebs.secretKey,
    custom_endpoint_ec2: ebs.customEndpointEc2,
  };
}

async function waitForOutput(run: HostRun, pattern: RegExp, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(run.output())) {
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`no ${pattern} in the host's output:\n${run.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("BakedImage provider, serialized as Pulumi does", () => {
  it("captures only text: the runtime is required by path, no SDK client, engine or native module", () => {
    expect(serialized).toContain("exports.handler");
    expect(serialized).toMatch(/provider[/\\]pulumi[/\\]runtime\.(ts|js)/);
    for (const captured of ["EC2Client", "ssh2", "zod", "prepareAll", "makeRedactor"]) {
      expect(serialized).not.toContain(captured);
    }
  });

  it("creates an image and deletes it, each from a fresh Node process holding only the serialized text", async () => {
    const e = env();
    const marker = join(e.work, "provisioned.txt");
    const inputs = await inputsFor(e, {
      amazonEbs: ebsArgs(e),
      provisioners: [{ type: "shell", inline: [`echo baked-by-host > ${marker}`] }],
    });

    const created = await host(e, "create", { inputs }).done;
    expect(created.error).toBeUndefined();
    const { id, outs } = created.result as { id: string; outs: BakedImageOutputs };
    expect(readFileSync(marker, "utf8")).toBe("baked-by-host\n");
    expect(id).toBe(outs.imageId);
    const left = await leftovers(e.moto);
    expect(left.byRegion[REGION]?.images).toEqual([outs.imageId]);
    expect(left.byRegion[REGION]?.snapshots).toEqual(outs.snapshotIds);
    expect(left.total).toBe(2);
    expect(await amiTags(e.moto, REGION, outs.imageId)).toMatchObject({ "kiln:fingerprint": inputs.fingerprint });

    const deleted = await host(e, "delete", { id, props: outs }).done;
    expect(deleted.error).toBeUndefined();
    expect(deleted.code).toBe(0);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("an interrupted host (Pulumi sends SIGINT on cancel) removes everything the build made, then exits", async () => {
    const e = env();
    const marker = "31.4159";
    const inputs = await inputsFor(e, {
      amazonEbs: ebsArgs(e),
      provisioners: [{ type: "shell", inline: [`echo sleeping; sleep ${marker}`] }],
    });
    const run = host(e, "create", { inputs });
    await waitForOutput(run, /\[kiln\] amazon-ebs\.web:\s+sleeping/);
    const during = await leftovers(e.moto);
    expect(during.byRegion[REGION]?.instances).toHaveLength(1);
    expect(during.byRegion[REGION]?.securityGroups).toHaveLength(1);

    run.child.kill("SIGINT");
    const ended = await run.done;
    expect(ended.signal).toBe("SIGINT");
    expect(run.output()).toContain("SIGINT received: cancelling");
    expect(run.output()).toMatch(/cleaning up: amazon-ebs: run instance/);
    expect((await leftovers(e.moto)).total).toBe(0);
    expect(processesMatching(`sleep ${marker}`)).toEqual([]);

    // A janitor stood by in case Pulumi killed the host before its cleanup ended; it was released.
    const janitor = /process (\d+) finishes the cleanup \(log: (.+)\)/.exec(run.output());
    expect(janitor).not.toBeNull();
    await exited(Number(janitor?.[1]));
    expect(readFileSync(janitor?.[2] as string, "utf8")).toMatch(/released: builds kiln-[0-9a-f]{8} cleaned up/);
    rmSync(janitor?.[2] as string, { force: true });
  });

  it("a host killed outright leaks the build machine; the janitor removes it, found by the build ID", async () => {
    const e = env();
    const inputs = await inputsFor(e, {
      amazonEbs: ebsArgs(e),
      provisioners: [{ type: "shell", inline: ["echo sleeping; sleep 29.97"] }],
    });
    const run = host(e, "create", { inputs });
    await waitForOutput(run, /\[kiln\] amazon-ebs\.web:\s+sleeping/);
    run.child.kill("SIGKILL");
    await run.done;
    const leaked = await leftovers(e.moto);
    expect(leaked.byRegion[REGION]).toMatchObject({
      instances: [expect.any(String)],
      securityGroups: [expect.any(String)],
    });

    // What the janitor gets on its pipe when the provider dies without releasing it.
    const buildId = /kiln:build-id=(kiln-[0-9a-f]{8})/.exec(run.output())?.[1];
    const plan = { builderType: "amazon-ebs", buildIds: [buildId], regions: [REGION], config: ebsConfigOf(inputs) };
    const janitor = spawn(process.execPath, ["--require", TS_REQUIRE, join(ROOT, "provider/pulumi/janitor-main.ts")], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let log = "";
    janitor.stdout?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    janitor.stdin?.end(`${JSON.stringify(plan)}\n`);
    const [code] = await once(janitor, "exit");
    expect(log).toContain("the provider ended before its cleanup finished");
    expect(code).toBe(0);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});
