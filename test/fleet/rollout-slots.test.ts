import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { FleetRolloutInputs, FleetRolloutOutputs } from "../../constructs/pulumi/rollout-runtime";
import * as runtime from "../../constructs/pulumi/rollout-runtime";
import { RolloutError } from "../../provider/fleet/errors";
import type { RolloutInput } from "../../provider/fleet/input";
import { rollout } from "../../provider/fleet/rollout";
import { type CountingProxy, startCountingProxy } from "../fixtures/counting-proxy";
import { MOTO_CREDENTIALS, type Moto, SOURCE_AMIS, startMoto } from "../fixtures/moto";
import { type MotoFleet, motoFleet, REGION } from "./moto-fleet";

// The FleetRollout provider's create/update (what Pulumi's dynamic provider host runs) against moto, for
// a keepPrevious fleet: a normal cutover to a new generation, then the image set back (the program then
// targets the kept slot's group): the kept group is scaled to capacity, gated on health, given the
// traffic, and the other kept in its turn, with no resource created or deleted. Calls counted at moto.

const IMAGE_A = SOURCE_AMIS.jammyOld.id;
const IMAGE_B = SOURCE_AMIS.jammyNew.id;

let moto: Moto;
let proxy: CountingProxy;
let fleet: MotoFleet;
/** Progress lines the runtime writes to stderr (the provider host shows them in `pulumi up`). */
let lines: string[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startCountingProxy(moto.endpoint);
  // The runtime takes credentials from the SDK's default chain, as in the provider host.
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
});
afterAll(async () => {
  process.env = saved;
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  fleet = await motoFleet(moto);
  proxy.calls.length = 0;
  lines = [];
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, "write").mockImplementation(((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return write(chunk);
  }) as typeof process.stderr.write);
});
afterEach(() => {
  vi.restoreAllMocks();
  fleet.destroy();
});

/** What the component declares for the generation `target`, keepPrevious on. */
function declared(target: { group: string; targetGroupArn: string }, extra: Partial<RolloutInput> = {}) {
  const rollout: RolloutInput = {
    fleet: "web",
    region: REGION,
    endpoint: proxy.endpoint,
    target,
    capacity: { min: 2, max: 2, desired: 2 },
    listenerArn: fleet.listenerArn,
    keepPrevious: true,
    health: { timeout: "5s", pollInterval: "100ms", maxPollInterval: "300ms" },
    ...extra,
  };
  return { rollout } satisfies FleetRolloutInputs;
}

const up = async (olds: FleetRolloutOutputs, news: FleetRolloutInputs) =>
  (await runtime.update("web-rollout", olds, news)).outs as FleetRolloutOutputs;
const count = (action: string) => proxy.calls.filter((c) => c.endsWith(`:${action}`)).length;

describe("FleetRollout with keepPrevious against moto", () => {
  it("setting the image back switches to the kept group: scaled up, healthy, traffic moved, the other kept", async () => {
    const a = await fleet.generation(IMAGE_A);
    const first = (await runtime.create(declared(a))).outs as FleetRolloutOutputs;
    expect(await fleet.weights()).toEqual({ [a.targetGroupArn]: 100 });

    // A new image: a normal cutover to a new group; a is kept at zero.
    const b = await fleet.generation(IMAGE_B);
    proxy.calls.length = 0;
    const second = await up(first, declared(b));
    const cutoverCalls = [...proxy.calls];
    expect(second.live.group).toBe(b.group);
    expect(second.kept?.group).toBe(a.group);
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 0, instances: [] });
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });

    // The image set back: the program targets slot 0's group, a, again.
    proxy.calls.length = 0;
    lines = [];
    const third = await up(second, declared(a));
    const rollbackCalls = [...proxy.calls];
    expect(third.live.group).toBe(a.group);
    expect(third.kept?.group).toBe(b.group);
    expect(await fleet.weights()).toEqual({ [a.targetGroupArn]: 100 });
    expect((await fleet.capacity(a.group)).instances).toHaveLength(2);
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 0, instances: [] });
    expect(lines.join("")).toMatch(/restoring web-[0-9a-f]{8} to 2 instances \(it had 0\)/);
    expect(lines.join("")).toMatch(/healthy: 2 instance\(s\) after 1 poll\(s\)/);
    // Nothing created or deleted: only capacity, health and the listener.
    expect(rollbackCalls).toEqual([
      "autoscaling:DescribeAutoScalingGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "autoscaling:UpdateAutoScalingGroup",
      "autoscaling:DescribeAutoScalingGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:ModifyListener",
      "autoscaling:UpdateAutoScalingGroup",
    ]);
    expect(cutoverCalls).toEqual([
      "autoscaling:DescribeAutoScalingGroups",
      "elasticloadbalancing:DescribeTargetHealth",
      "elasticloadbalancing:ModifyListener",
      "autoscaling:UpdateAutoScalingGroup",
    ]);
    console.log(
      `normal cutover (keepPrevious): ${cutoverCalls.length} AWS calls; instant rollback to the kept group: ${rollbackCalls.length} AWS calls: ${rollbackCalls.join(", ")}`,
    );

    // Forward again: as instant, b comes back from zero.
    proxy.calls.length = 0;
    const fourth = await up(third, declared(b, { canarySteps: [50], bakeTime: "100ms" }));
    expect(fourth.steps).toEqual([50, 100]);
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 0 });
    expect(count("CreateAutoScalingGroup") + count("DeleteAutoScalingGroup")).toBe(0);
  });

  it("a kept group that does not come back healthy: traffic stays, it is emptied again, the update fails naming it", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const first = (await runtime.create(declared(a))).outs as FleetRolloutOutputs;
    const second = await up(first, declared(b));
    // The kept group's instances will not pass: its target group is gone from under it.
    await fleet.asg.send(
      new (await import("@aws-sdk/client-auto-scaling")).DetachLoadBalancerTargetGroupsCommand({
        AutoScalingGroupName: a.group,
        TargetGroupARNs: [a.targetGroupArn],
      }),
    );
    const error = await up(second, declared(a, { health: { timeout: "500ms", pollInterval: "100ms" } })).catch(
      (e: Error) => e,
    );
    expect(String(error)).toMatch(/FLEET_UNHEALTHY|did not become healthy/);
    expect(String(error)).toContain("target unregistered");
    expect(String(error)).toContain(`traffic stayed on ${b.group}`);
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 0, instances: [] });
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 2 });
  });

  it("cancelled while switching back (mid-bake): traffic back on the group it left, the kept group at zero again", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const first = (await runtime.create(declared(a))).outs as FleetRolloutOutputs;
    await up(first, declared(b));
    // The cutover the provider runs, with the signal a Ctrl-C (SIGINT to the provider host) fires.
    const controller = new AbortController();
    const input = { ...declared(a, { canarySteps: [50], bakeTime: "10s" }).rollout, previous: b };
    const error = await rollout(input, {
      credentials: MOTO_CREDENTIALS,
      signal: controller.signal,
      log: (line) => line.includes("50% of traffic") && setTimeout(() => controller.abort(), 100),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolloutError);
    expect((error as RolloutError).code).toBe("CANCELLED");
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 0, instances: [] });
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 2 });
  });

  it("a capacity change with keepPrevious is applied to the live group by the rollout (slot groups ignore it)", async () => {
    const a = await fleet.generation(IMAGE_A);
    const first = (await runtime.create(declared(a))).outs as FleetRolloutOutputs;
    proxy.calls.length = 0;
    const resized = await up(first, declared(a, { capacity: { min: 3, max: 4, desired: 3 } }));
    expect(proxy.calls).toEqual(["autoscaling:UpdateAutoScalingGroup"]);
    expect(resized.rollout.capacity).toEqual({ min: 3, max: 4, desired: 3 });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 3 });
    // Without keepPrevious the group resource itself carries capacity: the rollout makes no call.
    proxy.calls.length = 0;
    await up(resized, declared(a, { keepPrevious: false, capacity: { min: 1, max: 1, desired: 1 } }));
    expect(proxy.calls).toEqual([]);
  });

  it("keepPrevious turned off while slot 1 is live: a cutover to the new one generation, the slot group left to the engine", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const first = (await runtime.create(declared(a))).outs as FleetRolloutOutputs;
    const second = await up(first, declared(b));
    // The component now declares `web` anew for b's settings: a new group, c.
    const c = await fleet.generation(SOURCE_AMIS.debian.id);
    proxy.calls.length = 0;
    const third = await up(second, declared(c, { keepPrevious: false }));
    expect(third.live.group).toBe(c.group);
    expect(third.kept).toBeUndefined();
    expect(await fleet.weights()).toEqual({ [c.targetGroupArn]: 100 });
    // b stays whole until the engine deletes it; nothing is deleted here.
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 2 });
    expect(proxy.calls.filter((call) => /Delete/.test(call))).toEqual([]);
  });

  it("delete detaches the listener and deletes no group (the engine owns every generation)", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const first = (await runtime.create(declared(a))).outs as FleetRolloutOutputs;
    const second = await up(first, declared(b));
    proxy.calls.length = 0;
    await runtime.remove("web-rollout", second);
    expect(proxy.calls).toEqual(["elasticloadbalancing:ModifyListener"]);
    expect(await fleet.weights()).toEqual({});
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 0 });
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 2 });
  });
});
