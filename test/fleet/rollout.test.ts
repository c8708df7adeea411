import { SetInstanceHealthCommand } from "@aws-sdk/client-auto-scaling";
import { StopInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../provider/engine/errors";
import { RolloutError } from "../../provider/fleet/errors";
import { type RolloutInput, rollout } from "../../provider/fleet/rollout";
import { type CountingProxy, startCountingProxy } from "../fixtures/counting-proxy";
import { MOTO_CREDENTIALS, type Moto, SOURCE_AMIS, startMoto } from "../fixtures/moto";
import { type MotoFleet, motoFleet, REGION } from "./moto-fleet";

const IMAGE_A = SOURCE_AMIS.jammyOld.id;
const IMAGE_B = SOURCE_AMIS.jammyNew.id;
const FAST = { timeout: "2s", pollInterval: "50ms", maxPollInterval: "200ms" };

let moto: Moto;
let proxy: CountingProxy;
let fleet: MotoFleet;
beforeAll(async () => {
  moto = await startMoto();
  proxy = await startCountingProxy(moto.endpoint);
});
afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
  fleet = await motoFleet(moto);
  proxy.calls.length = 0;
});
afterEach(() => fleet.destroy());

/** Input for a cutover from `previous` to `target` through the listener, with fast polls. */
function cutover(
  target: { group: string; targetGroupArn?: string },
  previous?: { group: string; targetGroupArn?: string },
  extra: Partial<RolloutInput> = {},
): RolloutInput {
  return {
    fleet: "web",
    region: REGION,
    endpoint: proxy.endpoint,
    target,
    previous,
    capacity: { min: 2, max: 2, desired: 2 },
    listenerArn: fleet.listenerArn,
    health: FAST,
    ...extra,
  };
}

const run = (input: RolloutInput, options: Parameters<typeof rollout>[1] = {}) =>
  rollout(input, { credentials: MOTO_CREDENTIALS, ...options });

async function failure(promise: Promise<unknown>): Promise<RolloutError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RolloutError);
  return error as RolloutError;
}

describe("rollout against moto", () => {
  it("first deploy: waits for health, then forwards everything to the new group", async () => {
    const a = await fleet.generation(IMAGE_A);
    const result = await run(cutover(a, undefined, { canarySteps: [10, 50] }));
    expect(result.steps).toEqual([{ newWeight: 100, oldWeight: 0 }]);
    expect(result.healthyInstances).toHaveLength(2);
    expect(await fleet.weights()).toEqual({ [a.targetGroupArn]: 100 });
  });

  it("canary cutover: 10 % → 50 % → 100 % with a bake after each, then keeps the old group scaled to 0", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    await fleet.alarm("web-5xx", "OK");
    const seen: Promise<Record<string, number>>[] = [];
    proxy.calls.length = 0;
    const result = await run(
      cutover(b, a, { canarySteps: [10, 50], bakeTime: "150ms", alarmNames: ["web-5xx"], keepPrevious: true }),
      { log: (line) => line.includes("% of traffic") && seen.push(fleet.weights()) },
    );
    expect(await Promise.all(seen)).toEqual([
      { [b.targetGroupArn]: 10, [a.targetGroupArn]: 90 },
      { [b.targetGroupArn]: 50, [a.targetGroupArn]: 50 },
      { [b.targetGroupArn]: 100 },
    ]);
    expect(result.previous).toEqual({ group: a.group, retirement: "scale-to-zero" });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 0, instances: [] });
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 2 });
    const count = (action: string) => proxy.calls.filter((c) => c.endsWith(`:${action}`)).length;
    expect(count("ModifyListener")).toBe(3);
    expect(count("DescribeAutoScalingGroups")).toBe(1);
    expect(count("DescribeTargetHealth")).toBe(1);
    expect(count("UpdateAutoScalingGroup")).toBe(1);
    // At least once per step; more when a poll interval fits in the bake.
    expect(count("DescribeAlarms")).toBeGreaterThanOrEqual(3);
  });

  it("without keepPrevious leaves the old group whole for the IaC engine to delete", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const result = await run(cutover(b, a));
    expect(result.previous).toEqual({ group: a.group, retirement: "leave-to-engine" });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 2 });
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
  });

  it("an instance leaving its target group (stopped) fails the health gate, naming it; traffic stays on the old group", async () => {
    const a = await fleet.generation(IMAGE_A);
    await run(cutover(a));
    const b = await fleet.generation(IMAGE_B);
    const [victim] = (await fleet.capacity(b.group)).instances;
    await fleet.ec2.send(new StopInstancesCommand({ InstanceIds: [victim as string] }));
    const error = await failure(run(cutover(b, a, { canarySteps: [10] })));
    expect(error.code).toBe("FLEET_UNHEALTHY");
    expect(error.message).toContain(`${victim} (target unused)`);
    expect(error.message).toMatch(/Rolled back: traffic stayed on web-[0-9a-f]{8}; web-[0-9a-f]{8} scaled to 0/);
    expect(error.stepsApplied).toBe(0);
    expect(await fleet.weights()).toEqual({ [a.targetGroupArn]: 100 });
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 0, instances: [] });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 2 });
  });

  it("an instance marked Unhealthy (set_instance_health) fails the health gate, naming it", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const [victim] = (await fleet.capacity(b.group)).instances;
    await fleet.asg.send(new SetInstanceHealthCommand({ InstanceId: victim, HealthStatus: "Unhealthy" }));
    const error = await failure(run(cutover(b, a)));
    expect(error.message).toContain(`${victim} (health Unhealthy)`);
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 0 });
  });

  it("an alarm firing during a bake returns traffic to the old group and names the alarm", async () => {
    const a = await fleet.generation(IMAGE_A);
    await run(cutover(a));
    const b = await fleet.generation(IMAGE_B);
    await fleet.alarm("web-5xx", "OK");
    let fired: Promise<void> | undefined;
    const error = await failure(
      run(cutover(b, a, { canarySteps: [10, 50], bakeTime: "2s", alarmNames: ["web-5xx"] }), {
        log: (line) => {
          if (line.includes("50% of traffic")) fired = fleet.alarm("web-5xx", "ALARM");
        },
      }),
    );
    await fired;
    expect(error.code).toBe("FLEET_ALARM");
    expect(error.message).toContain("alarm web-5xx (test) fired with 50% of traffic on the new group");
    expect(error.message).toContain("traffic back on");
    expect(error.rollback).toEqual({ listenerRestored: true, newGroupScaledToZero: true, failures: [] });
    expect(await fleet.weights()).toEqual({ [a.targetGroupArn]: 100 });
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 0, instances: [] });
    expect(await fleet.capacity(a.group)).toMatchObject({ desired: 2 });
  });

  it("cancelled mid-bake: traffic back on the old group, the new group emptied, nothing half-moved", async () => {
    const a = await fleet.generation(IMAGE_A);
    await run(cutover(a));
    const b = await fleet.generation(IMAGE_B);
    const controller = new AbortController();
    const error = await failure(
      run(cutover(b, a, { canarySteps: [10, 50], bakeTime: "10s" }), {
        signal: controller.signal,
        log: (line) => line.includes("10% of traffic") && setTimeout(() => controller.abort(), 100),
      }),
    );
    expect(error.code).toBe("CANCELLED");
    expect(error.stepsApplied).toBe(1);
    expect(await fleet.weights()).toEqual({ [a.targetGroupArn]: 100 });
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 0, instances: [] });
  });

  it("a retry after a rollback gives the new group its capacity back and completes", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const [victim] = (await fleet.capacity(b.group)).instances;
    await fleet.asg.send(new SetInstanceHealthCommand({ InstanceId: victim, HealthStatus: "Unhealthy" }));
    await failure(run(cutover(b, a)));
    await run(cutover(b, a));
    expect(await fleet.capacity(b.group)).toMatchObject({ desired: 2 });
    expect((await fleet.capacity(b.group)).instances).toHaveLength(2);
    expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
  });

  it("without a load balancer gates on capacity health only", async () => {
    const a = await fleet.generation(IMAGE_A);
    const b = await fleet.generation(IMAGE_B);
    const bare = (g: { group: string }) => ({ group: g.group });
    const result = await run(cutover(bare(b), bare(a), { listenerArn: undefined, canarySteps: [10] }));
    expect(result.steps).toEqual([]);
    expect(proxy.calls.filter((c) => c.startsWith("elasticloadbalancing"))).toEqual([]);
    const [victim] = (await fleet.capacity(a.group)).instances;
    await fleet.asg.send(new SetInstanceHealthCommand({ InstanceId: victim, HealthStatus: "Unhealthy" }));
    const error = await failure(run(cutover(bare(a), bare(b), { listenerArn: undefined })));
    expect(error.message).toContain(`${victim} (health Unhealthy)`);
  });

  it("rejects bad input naming each field, before any AWS call", async () => {
    const a = await fleet.generation(IMAGE_A);
    proxy.calls.length = 0;
    const fields = async (input: unknown) => {
      const error = await run(input as RolloutInput).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems.map((p) => `${p.field}: ${p.message}`);
    };
    expect(await fields({ ...cutover(a), canarySteps: [50, 10], bakeTime: "soon", region: "" })).toEqual([
      "rollout.region: must not be empty",
      "rollout.canarySteps: step 1 (10) must be larger than step 0 (50)",
      'rollout.bakeTime: invalid duration "soon": expected a Go duration such as "30s", "5m" or "1h30m"',
    ]);
    expect(await fields(cutover(a, { group: a.group }, { capacity: { min: 3, max: 4, desired: 2 } }))).toEqual([
      "rollout.previous.targetGroupArn: is required to steer a listener",
      "rollout.previous.group: is the target group itself",
      "rollout.capacity: needs min ≤ desired ≤ max, got 3/2/4",
    ]);
    expect(await fields({ ...cutover(a), listenerArn: "arn:aws:ec2:x", color: "blue" })).toEqual([
      "rollout.listenerArn: must be an Elastic Load Balancing ARN",
      'rollout: Unrecognized key: "color"',
    ]);
    expect(proxy.calls).toEqual([]);
  });
});
