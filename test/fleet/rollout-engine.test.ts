import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { SetInstanceHealthCommand } from "@aws-sdk/client-auto-scaling";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetSlots } from "../../constructs/pulumi/fleet-slots";
import { FleetRollout } from "../../constructs/pulumi/rollout-resource";
import type { RolloutInput } from "../../provider/fleet/input";
import { type CountingProxy, startCountingProxy } from "../fixtures/counting-proxy";
import { MOTO_CREDENTIALS, type Moto, SOURCE_AMIS, startMoto } from "../fixtures/moto";
import { type MotoFleet, motoFleet, REGION } from "./moto-fleet";

// The FleetRollout dynamic resource under the real Pulumi engine (Automation API, file:// backend), its
// provider serialized into the state and run by Pulumi's dynamic provider host, against groups and a
// load balancer the test makes in moto. The pulumi CLI comes from /work/shared/tools (install.sh).

const ROOT = join(__dirname, "../..");
const TOOLS = join(process.env.KILN_TOOLS_DIR ?? join(homedir(), ".cache/kiln-tools"), "bin");
const PATH = [TOOLS, join(ROOT, "node_modules/@pulumi/pulumi"), process.env.PATH].join(delimiter);
const reason = skipReason();
if (reason) console.log(`FleetRollout engine test skipped: ${reason}`);

function skipReason(): string | undefined {
  try {
    execFileSync("pulumi", ["version"], { stdio: "ignore", env: { ...process.env, PATH } });
    return undefined;
  } catch {
    return 'no `pulumi` CLI on PATH or in ~/.cache/kiln-tools/bin (run: eval "$(/work/shared/tools/install.sh)")';
  }
}

let moto: Moto;
let proxy: CountingProxy;
let fleet: MotoFleet;
let stack: Stack;
let workDir: string;
/** What the program declares on the next operation. */
let declared: Partial<RolloutInput> & { target: RolloutInput["target"] };
const display: string[] = [];

const program = async () => {
  const input: RolloutInput = {
    fleet: "web",
    region: REGION,
    endpoint: proxy.endpoint,
    capacity: { min: 2, max: 2, desired: 2 },
    listenerArn: fleet.listenerArn,
    health: { timeout: "3s", pollInterval: "100ms", maxPollInterval: "300ms" },
    ...declared,
  };
  const rollout = new FleetRollout("web", { rollout: input });
  return { live: rollout.live, steps: rollout.steps };
};

const up = (signal?: AbortSignal) => stack.up({ onOutput: (t) => display.push(t), signal });

// keepPrevious as the component wires it: FleetSlots places the declared generation key, and the
// rollout targets the group of the live slot (groups made in moto by the test, one per key).
let slotStack: Stack;
let slotFleet: MotoFleet;
let slotDeclared: { key: string; groups: Record<string, { group: string; targetGroupArn: string }> };
const slotsProgram = async () => {
  const slots = new FleetSlots("web", { fleet: "web", key: slotDeclared.key });
  const { groups } = slotDeclared;
  const target = pulumi
    .all([slots.keys, slots.live])
    .apply(([keys, live]) => groups[keys[live]] as { group: string; targetGroupArn: string });
  const input = {
    fleet: "web",
    region: REGION,
    endpoint: proxy.endpoint,
    capacity: { min: 2, max: 2, desired: 2 },
    listenerArn: slotFleet.listenerArn,
    keepPrevious: true,
    health: { timeout: "3s", pollInterval: "100ms", maxPollInterval: "300ms" },
    target,
  };
  const rollout = new FleetRollout("web", { rollout: input });
  return { keys: slots.keys, live: slots.live, move: slots.move, group: rollout.live, kept: rollout.kept };
};

describe.skipIf(reason !== undefined)("FleetRollout under the Pulumi engine", () => {
  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startCountingProxy(moto.endpoint);
    fleet = await motoFleet(moto);
    slotFleet = await motoFleet(moto, "slots");
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    workDir = mkdtempSync(join(tmpdir(), "kiln-fleet-engine-"));
    mkdirSync(join(workDir, "state"));
    // The dynamic provider host resolves @pulumi/pulumi from its working directory.
    symlinkSync(join(ROOT, "node_modules"), join(workDir, "node_modules"));
    process.env.PATH = PATH;
    const make = (stackName: string, inline: () => Promise<Record<string, unknown>>) =>
      LocalWorkspace.createOrSelectStack(
        { stackName, projectName: "kiln-fleet-engine", program: inline },
        {
          workDir,
          projectSettings: {
            name: "kiln-fleet-engine",
            runtime: "nodejs",
            backend: { url: `file://${workDir}/state` },
          },
          envVars: {
            PATH,
            PULUMI_CONFIG_PASSPHRASE: "kiln-fleet-test",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
            AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
            // The provider host is plain Node: let it load Kiln's TypeScript as it would load dist/.
            NODE_OPTIONS: `--require ${join(ROOT, "test/pulumi/ts-require.cjs")}`,
          },
        },
      );
    stack = await make("dev", program);
    slotStack = await make("slots", slotsProgram);
  }, 120_000);

  afterAll(async () => {
    fleet?.destroy();
    slotFleet?.destroy();
    await proxy?.close();
    await moto?.stop();
    if (workDir && existsSync(workDir)) rmSync(workDir, { recursive: true, force: true });
  });

  it("steps traffic to each new group, rolls back a failed or cancelled update, detaches on destroy", {
    timeout: 240_000,
  }, async () => {
    const a = await fleet.generation(SOURCE_AMIS.jammyOld.id);
    declared = { target: a };
    const first = await up();
    expect(first.outputs.live?.value).toMatchObject({ group: a.group });
    expect(await fleet.weights()).toEqual({ [a.targetGroupArn]: 100 });

    // A new generation: 10 % → 50 % → 100 %, one cutover counted at moto.
    const b = await fleet.generation(SOURCE_AMIS.jammyNew.id);
    declared = { target: b, canarySteps: [10, 50], bakeTime: "200ms" };
    proxy.calls.length = 0;
    const second = await up();
    expect(second.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(second.outputs.steps?.value).toEqual([10, 50, 100]);
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    console.log(`one cutover (canary [10, 50], no alarm): ${proxy.calls.length} AWS calls: ${proxy.calls.join(", ")}`);
    expect(proxy.calls).toEqual([
      "autoscaling:DescribeAutoScalingGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyListener",
      "elasticloadbalancing:ModifyListener",
    ]);

    // An unhealthy generation: `pulumi up` fails naming the instance; traffic stays on b; c is emptied.
    const c = await fleet.generation(SOURCE_AMIS.debian.id);
    const [sick] = (await fleet.capacity(c.group)).instances;
    await fleet.asg.send(new SetInstanceHealthCommand({ InstanceId: sick, HealthStatus: "Unhealthy" }));
    declared = { target: c, canarySteps: [10] };
    const failed = await up().catch((e: Error) => e);
    expect(String(failed)).toContain(`${sick} (health Unhealthy)`);
    expect(String(failed)).toContain(`traffic stayed on ${b.group}`);
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    expect(await fleet.capacity(c.group)).toMatchObject({ desired: 0, instances: [] });
    const state = await stack.exportStack();
    const saved = state.deployment.resources.find((r: { type: string }) => r.type.endsWith("kiln:FleetRollout"));
    expect(saved.outputs.live.group).toBe(b.group);

    // Cancelled mid-bake. A first ^C makes Pulumi wait for operations in flight (the dynamic provider host
    // ignores the Cancel call); the second terminates, sending SIGINT to the provider host, whose rollout
    // then rolls back before exiting: traffic back on b, c emptied again.
    declared = { target: c, canarySteps: [10, 50], bakeTime: "60s" };
    // (The rollback terminated the sick instance; the retry gives c its capacity back, healthy.)
    const controller = new AbortController();
    const cancelled = up(controller.signal).catch((e: Error) => e);
    await until(async () => (await fleet.weights())[c.targetGroupArn] === 10);
    controller.abort();
    await new Promise((r) => setTimeout(r, 500));
    for (const pid of childPids("pulumi")) process.kill(pid, "SIGINT");
    const error = await cancelled;
    expect(String(error)).toMatch(/cancel|interrupt/i);
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    expect(await fleet.capacity(c.group)).toMatchObject({ desired: 0, instances: [] });
    expect(display.join("")).toContain("SIGINT received");

    // Destroy: the listener no longer forwards to the fleet's target groups (so they can be deleted).
    await stack.cancel().catch(() => undefined);
    await stack.destroy({ onOutput: (t) => display.push(t) });
    expect(await fleet.weights()).toEqual({});
  });

  it("keepPrevious: FleetSlots places each generation; setting the image back switches to the kept group at once", {
    timeout: 240_000,
  }, async () => {
    const a = await slotFleet.generation(SOURCE_AMIS.jammyOld.id);
    const b = await slotFleet.generation(SOURCE_AMIS.jammyNew.id);
    const groups = { "0000000a": a, "0000000b": b };
    const slotUp = () => slotStack.up({ onOutput: (t) => display.push(t) });

    slotDeclared = { key: "0000000a", groups };
    const first = await slotUp();
    expect(first.outputs.move?.value).toBe("first");
    expect(await slotFleet.weights()).toEqual({ [a.targetGroupArn]: 100 });

    slotDeclared = { key: "0000000b", groups };
    const second = await slotUp();
    expect(second.outputs.keys?.value).toEqual(["0000000a", "0000000b"]);
    expect(second.outputs.move?.value).toBe("new-generation");
    expect(await slotFleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    expect(await slotFleet.capacity(a.group)).toMatchObject({ desired: 0, instances: [] });

    // The preview: the slots and the rollout update (the stack is the same); nothing made, replaced or deleted.
    slotDeclared = { key: "0000000a", groups };
    const preview = await slotStack.preview();
    expect(preview.changeSummary).toEqual({ same: 1, update: 2 });
    proxy.calls.length = 0;
    const third = await slotUp();
    expect(third.outputs.move?.value).toBe("return-to-kept");
    expect(third.outputs.group?.value).toMatchObject({ group: a.group });
    expect(third.outputs.kept?.value).toMatchObject({ group: b.group });
    expect(await slotFleet.weights()).toEqual({ [a.targetGroupArn]: 100 });
    expect((await slotFleet.capacity(a.group)).instances).toHaveLength(2);
    expect(await slotFleet.capacity(b.group)).toMatchObject({ desired: 0, instances: [] });
    console.log(`instant rollback under the engine: ${proxy.calls.length} AWS calls: ${proxy.calls.join(", ")}`);
    expect(proxy.calls).toHaveLength(7);

    await slotStack.destroy({ onOutput: (t) => display.push(t) });
    expect(await slotFleet.weights()).toEqual({});
  });
});

/** This process's children running `name` (the pulumi CLI the Automation API started). */
function childPids(name: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [, comm, rest] = /^\d+ \((.*)\) (.*)$/s.exec(stat) ?? [];
        const ppid = Number(rest?.split(" ")[1]);
        return comm === name && ppid === process.pid ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
