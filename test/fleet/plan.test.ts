import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canaryStepsProblem,
  generationKey,
  generationNames,
  healthThresholds,
  type InstanceHealth,
  judgeHealth,
  type LaunchSpec,
  launchFingerprint,
  planSlots,
  pollDelay,
  retirement,
  rollbackPlan,
  type SlotState,
  weightSchedule,
} from "../../provider/fleet/plan";

describe("generationNames", () => {
  it.each([
    ["web", "ami-0123456789abcdef0", /^web-[0-9a-f]{8}$/],
    ["My Fleet!", "ami-1", /^My-Fleet-[0-9a-f]{8}$/],
    ["---", "ami-1", /^fleet-[0-9a-f]{8}$/],
    ["a".repeat(60), "ami-1", /^a{23}-[0-9a-f]{8}$/],
  ])("names fleet %j on %s as its target group %s", (fleet, image, targetGroup) => {
    expect(generationNames(fleet, image).targetGroup).toMatch(targetGroup);
  });

  it("keeps the launch template and group names whole when they fit", () => {
    const names = generationNames("a".repeat(60), "ami-1");
    expect(names.group).toBe(`${"a".repeat(60)}-${names.key}`);
    expect(names.launchTemplate).toBe(names.group);
  });

  it("rejects an empty image", () => {
    expect(() => generationKey(" ")).toThrow(/image ID is empty/);
  });

  it("is deterministic per image, different across images, and within every service's limits", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (f, a, b) => {
          fc.pre(a.trim() !== "" && b.trim() !== "" && a !== b);
          const x = generationNames(f, a);
          expect(generationNames(f, a)).toEqual(x);
          // Different images may collide only on a 32-bit hash: never for the inputs fast-check makes.
          expect(generationNames(f, b).targetGroup).not.toBe(x.targetGroup);
          expect(x.targetGroup.length).toBeLessThanOrEqual(32);
          expect(x.targetGroup).toMatch(/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/);
          expect(x.launchTemplate.length).toBeLessThanOrEqual(128);
          expect(x.launchTemplate).toMatch(/^[A-Za-z0-9().\-/_]+$/);
          expect(x.group.length).toBeLessThanOrEqual(255);
        },
      ),
    );
  });
});

describe("weightSchedule", () => {
  it.each([
    [[], [{ newWeight: 100, oldWeight: 0 }]],
    [[100], [{ newWeight: 100, oldWeight: 0 }]],
    [
      [10, 50],
      [
        { newWeight: 10, oldWeight: 90 },
        { newWeight: 50, oldWeight: 50 },
        { newWeight: 100, oldWeight: 0 },
      ],
    ],
    [
      [10, 50, 100],
      [
        { newWeight: 10, oldWeight: 90 },
        { newWeight: 50, oldWeight: 50 },
        { newWeight: 100, oldWeight: 0 },
      ],
    ],
  ])("plans %j as %j", (steps, schedule) => {
    expect(weightSchedule(steps)).toEqual(schedule);
  });

  it("takes one step when there is no previous generation to share traffic with", () => {
    expect(weightSchedule([10, 50], false)).toEqual([{ newWeight: 100, oldWeight: 0 }]);
  });

  it.each([
    [[0], /step 0 is 0/],
    [[10, 10], /step 1 \(10\) must be larger than step 0 \(10\)/],
    [[50, 20], /step 1 \(20\) must be larger/],
    [[12.5], /whole percentage/],
    [[101], /1 to 100/],
  ])("rejects %j", (steps, message) => {
    expect(() => weightSchedule(steps)).toThrow(message);
    expect(canaryStepsProblem(steps)).toMatch(message);
  });

  it("always ends on 100 %, grows strictly, and every step's weights sum to 100", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 8 }), (raw) => {
        const steps = [...raw].sort((a, b) => a - b);
        const schedule = weightSchedule(steps);
        expect(schedule.at(-1)).toEqual({ newWeight: 100, oldWeight: 0 });
        for (const [i, s] of schedule.entries()) {
          expect(s.newWeight + s.oldWeight).toBe(100);
          if (i > 0) expect(s.newWeight).toBeGreaterThan(schedule[i - 1]!.newWeight);
        }
        expect(schedule.length).toBe(steps.filter((p) => p < 100).length + 1);
      }),
    );
  });
});

describe("healthThresholds and pollDelay", () => {
  it.each([
    [3, undefined, 3],
    [3, 50, 2],
    [1, 10, 1],
    [0, 100, 0],
    [10, 90, 9],
  ])("of %i instances at %s %% needs %i healthy", (desired, percent, min) => {
    expect(healthThresholds(desired, { minHealthyPercent: percent }).minHealthy).toBe(min);
  });

  it.each([
    [-1, {}, /desiredCapacity: -1/],
    [2, { minHealthyPercent: 0 }, /minHealthyPercent: 0/],
    [2, { minHealthyPercent: 120 }, /minHealthyPercent: 120/],
  ])("rejects %i with %j", (desired, options, message) => {
    expect(() => healthThresholds(desired, options)).toThrow(message);
  });

  it("backs off from the first delay to the cap: 5 s, 7.5 s, 11.25 s, then 15 s", () => {
    const t = healthThresholds(2);
    expect([0, 1, 2, 3, 4].map((n) => pollDelay(t, n))).toEqual([5000, 7500, 11250, 15000, 15000]);
  });

  it("never polls faster than the first delay nor slower than the cap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 120_000 }), fc.nat(50), (a, b, n) => {
        const t = healthThresholds(1, { pollMs: a, maxPollMs: b });
        const d = pollDelay(t, n);
        expect(d).toBeGreaterThanOrEqual(a);
        expect(d).toBeLessThanOrEqual(Math.max(a, b));
        expect(pollDelay(t, n + 1)).toBeGreaterThanOrEqual(d);
      }),
    );
  });
});

describe("judgeHealth", () => {
  const i = (id: string, lifecycle: string, status: string, targets: string[] = ["healthy"]): InstanceHealth => ({
    id,
    lifecycle,
    status,
    targets,
  });

  it.each([
    ["all healthy", [i("a", "InService", "Healthy"), i("b", "InService", "Healthy")], 2, true, []],
    ["one pending", [i("a", "InService", "Healthy"), i("b", "Pending", "Healthy")], 2, false, ["b: lifecycle Pending"]],
    ["one unhealthy", [i("a", "InService", "Unhealthy")], 1, false, ["a: health Unhealthy"]],
    ["target unused", [i("a", "InService", "Healthy", ["unused"])], 1, false, ["a: target unused"]],
    [
      "unhealthy in one of two",
      [i("a", "InService", "Healthy", ["healthy", "draining"])],
      1,
      false,
      ["a: target draining"],
    ],
    ["no load balancer", [i("a", "InService", "Healthy", [])], 1, true, []],
    [
      "enough of them",
      [i("a", "InService", "Healthy"), i("b", "Pending", "Healthy")],
      1,
      true,
      ["b: lifecycle Pending"],
    ],
    ["none wanted", [], 0, true, []],
  ])("%s", (_name, instances, min, healthy, unhealthy) => {
    const verdict = judgeHealth(instances, min);
    expect(verdict.healthy).toBe(healthy);
    expect(verdict.unhealthy.map((u) => `${u.id}: ${u.reason}`)).toEqual(unhealthy);
  });

  it("counts each instance exactly once, as ready or unhealthy", () => {
    const instance = fc.record({
      id: fc.uuid(),
      lifecycle: fc.constantFrom("InService", "Pending", "Terminating"),
      status: fc.constantFrom("Healthy", "Unhealthy"),
      targets: fc.array(fc.constantFrom("healthy", "initial", "unused", "unhealthy"), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(instance, { maxLength: 10 }), fc.nat(10), (instances, min) => {
        const v = judgeHealth(instances, min);
        expect(v.ready.length + v.unhealthy.length).toBe(instances.length);
        expect(v.healthy).toBe(v.ready.length >= min);
      }),
    );
  });
});

describe("retirement and rollbackPlan", () => {
  it("keeps the previous group scaled down only when asked", () => {
    expect(retirement(true)).toBe("scale-to-zero");
    expect(retirement(false)).toBe("leave-to-engine");
  });

  it.each([
    [0, true, { restoreListener: false, scaleNewToZero: true }],
    [2, true, { restoreListener: true, scaleNewToZero: true }],
    [1, false, { restoreListener: false, scaleNewToZero: true }],
  ])("after %i steps with previous=%s", (stepsApplied, hasPrevious, plan) => {
    expect(rollbackPlan({ stepsApplied, hasPrevious })).toEqual(plan);
  });
});

describe("launchFingerprint", () => {
  const spec: LaunchSpec = {
    imageId: "ami-1",
    instanceType: "t3.micro",
    userData: "#!/bin/sh\necho v1\n",
    securityGroupIds: ["sg-2", "sg-1"],
    instanceProfile: "web",
    keyName: "ops",
    requireImdsv2: true,
    tags: { team: "edge", app: "web" },
  };
  const key = (s: LaunchSpec) => generationKey(launchFingerprint(s));

  it.each<[string, Partial<LaunchSpec>]>([
    ["image", { imageId: "ami-2" }],
    ["instance type", { instanceType: "t3.small" }],
    ["user data", { userData: "#!/bin/sh\necho v2\n" }],
    ["user data removed", { userData: undefined }],
    ["security groups", { securityGroupIds: ["sg-1"] }],
    ["instance profile", { instanceProfile: "arn:aws:iam::1:instance-profile/web" }],
    ["key pair", { keyName: undefined }],
    ["IMDSv2", { requireImdsv2: false }],
    ["instance tags", { tags: { team: "core", app: "web" } }],
  ])("a new %s is a new generation", (_what, change) => {
    expect(key({ ...spec, ...change })).not.toBe(key(spec));
  });

  it("ignores the order of security groups and tags", () => {
    const reordered = { ...spec, securityGroupIds: ["sg-1", "sg-2"], tags: { app: "web", team: "edge" } };
    expect(key(reordered)).toBe(key(spec));
    expect(key({ ...spec, tags: {} })).toBe(key({ ...spec, tags: undefined }));
  });
});

describe("planSlots", () => {
  const slots = (a: string, b: string, live: 0 | 1): SlotState => ({ keys: [a, b], live });

  it.each<[string, SlotState | undefined, string, SlotState, string]>([
    ["first deploy", undefined, "a", slots("a", "a", 0), "first"],
    ["same generation", slots("a", "b", 1), "b", slots("a", "b", 1), "unchanged"],
    ["back to the kept one", slots("a", "b", 1), "a", slots("a", "b", 0), "return-to-kept"],
    ["forward again", slots("a", "b", 0), "b", slots("a", "b", 1), "return-to-kept"],
    ["a new one replaces the kept slot", slots("a", "b", 1), "c", slots("c", "b", 0), "new-generation"],
    ["after the first deploy", slots("a", "a", 0), "b", slots("a", "b", 1), "new-generation"],
  ])("%s", (_what, previous, key, state, move) => {
    expect(planSlots(previous, key)).toEqual({ state, move });
  });

  it("rejects an empty key", () => {
    expect(() => planSlots(undefined, "")).toThrow(/key is empty/);
  });

  it("always makes the declared key live, keeps what was live, and creates nothing to switch back", () => {
    const key = fc.constantFrom("a", "b", "c", "d");
    fc.assert(
      fc.property(key, fc.array(key, { maxLength: 20 }), (first, deploys) => {
        let state = planSlots(undefined, first).state;
        for (const k of deploys) {
          const before = state;
          const { state: after, move } = planSlots(before, k);
          expect(after.keys[after.live]).toBe(k);
          // What was live stays, in the other slot unless it is the same generation.
          expect(after.keys).toContain(before.keys[before.live]);
          // Only a new generation changes a slot's key, and only the one that was not live.
          const changed = [0, 1].filter((i) => after.keys[i] !== before.keys[i]);
          expect(changed).toEqual(move === "new-generation" ? [1 - before.live] : []);
          state = after;
        }
      }),
    );
  });
});
