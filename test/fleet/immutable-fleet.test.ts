import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { ImmutableFleet, type ImmutableFleetArgs } from "../../constructs/pulumi/immutable-fleet";
import * as slotsRuntime from "../../constructs/pulumi/slots-runtime";
import { generationKey, generationNamesForKey, launchFingerprint } from "../../provider/fleet/plan";
import { mockFleetResources, type Registration } from "../fixtures/pulumi-mocks";

// The component's resource graph under Pulumi's mocks (the @pulumi/aws provider plugin cannot be had
// here). The mock monitor's registrations are recorded with their options: parent, dependencies,
// retainOnDelete, ignoreChanges — what the engine would act on.

let registered: Registration[] = [];
/**
 * FleetSlots' last state per name, kept across builds within a test: as the engine would, the mock runs
 * the resource's real `check` with the previous state, so successive builds are successive deploys.
 */
let slotMemory = new Map<string, Record<string, unknown>>();
const LISTENER =
  "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
const AMI_A = "ami-0aaaaaaaaaaaaaaa1";
const AMI_B = "ami-0bbbbbbbbbbbbbbb2";

async function mocks(): Promise<void> {
  registered = await mockFleetResources("kiln-fleet", async (args) => {
    if (!args.type.endsWith(":FleetSlots")) return undefined;
    const checked = await slotsRuntime.check(slotMemory.get(args.name) ?? {}, args.inputs as never);
    slotMemory.set(args.name, checked.inputs as Record<string, unknown>);
    return { id: `${args.name}-slots`, state: checked.inputs as Record<string, unknown> };
  });
}

beforeEach(async () => {
  slotMemory = new Map();
  await mocks();
});

/** The generation key of `base()`'s launch settings on `imageId`. */
const defaultKey = (imageId: string) =>
  generationKey(launchFingerprint({ imageId, instanceType: "t3.micro", requireImdsv2: true, tags: {} }));

const resolved = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const base = (extra: Partial<ImmutableFleetArgs> = {}): ImmutableFleetArgs => ({
  imageId: AMI_A,
  instanceType: "t3.micro",
  subnetIds: ["subnet-a", "subnet-b"],
  region: "eu-west-1",
  ...extra,
});

/** Builds a fleet and waits until every child has registered. */
async function build(name: string, args: ImmutableFleetArgs) {
  const fleet = new ImmutableFleet(name, args);
  await resolved(fleet.groupName);
  await resolved(pulumi.all([fleet.rollout.urn, fleet.group.urn, fleet.launchTemplate.urn]));
  await new Promise((r) => setTimeout(r, 50));
  const of = (type: string) => registered.filter((r) => r.type === type && r.name === name);
  const one = (type: string) => {
    const [r] = of(type);
    if (!r) throw new Error(`no ${type} '${name}'; got ${registered.map((x) => `${x.type} ${x.name}`).join(", ")}`);
    return r;
  };
  return { fleet, of, one };
}

const T = {
  component: "kiln:index:ImmutableFleet",
  lt: "aws:ec2/launchTemplate:LaunchTemplate",
  asg: "aws:autoscaling/group:Group",
  tg: "aws:lb/targetGroup:TargetGroup",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  rollout: "pulumi-nodejs:dynamic/kiln:FleetRollout",
  slots: "pulumi-nodejs:dynamic/kiln:FleetSlots",
};

describe("ImmutableFleet resource graph", () => {
  it("creates a load balancer, listener, launch template, target group, group and rollout, all children of the component", async () => {
    const { one } = await build(
      "web",
      base({ loadBalancer: { vpcId: "vpc-1" }, canarySteps: [10, 50], bakeTime: "1m" }),
    );
    const component = one(T.component);
    for (const type of [T.lb, T.listener, T.lt, T.tg, T.asg, T.rollout]) expect(one(type).parent).toBe(component.urn);
    // Named from a hash of every launch setting, not of the image alone.
    const names = generationNamesForKey("web", defaultKey(AMI_A));
    expect(one(T.lt).inputs).toMatchObject({
      namePrefix: `${names.launchTemplate}-`,
      imageId: AMI_A,
      instanceType: "t3.micro",
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" },
    });
    expect(one(T.tg).inputs).toMatchObject({
      namePrefix: names.key.slice(0, 6),
      vpcId: "vpc-1",
      port: 80,
      protocol: "HTTP",
    });
    expect(one(T.asg).inputs).toMatchObject({
      namePrefix: `${names.group}-`,
      launchTemplate: { id: "web-id", version: "1" },
      vpcZoneIdentifiers: ["subnet-a", "subnet-b"],
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      targetGroupArns: [`arn:mock:${T.tg}:web`],
      healthCheckType: "ELB",
      waitForCapacityTimeout: "0",
    });
    // The listener starts with a 503 and its action belongs to the rollout from then on.
    expect(one(T.listener).inputs.defaultActions[0].type).toBe("fixed-response");
    expect(one(T.listener).ignoreChanges).toEqual(["defaultActions"]);
    expect(one(T.rollout).inputs.rollout).toMatchObject({
      fleet: "web",
      region: "eu-west-1",
      target: { group: `${names.group}-20261130`, targetGroupArn: `arn:mock:${T.tg}:web` },
      listenerArn: `arn:mock:${T.listener}:web`,
      capacity: { min: 1, max: 1, desired: 1 },
      canarySteps: [10, 50],
      bakeTime: "1m",
      keepPrevious: false,
      health: { timeout: "10m", minHealthyPercent: 100 },
    });
    // The rollout runs after the group exists and the listener is there; nothing replaces delete-first.
    expect(one(T.rollout).dependencies).toEqual(
      expect.arrayContaining([one(T.asg).urn, one(T.listener).urn, one(T.tg).urn]),
    );
    expect(one(T.asg).dependencies).toEqual(expect.arrayContaining([one(T.lt).urn, one(T.tg).urn]));
    for (const type of [T.lt, T.tg, T.asg]) {
      expect(one(type).deleteBeforeReplace).toBe(false);
      expect(one(type).retainOnDelete).toBe(false);
    }
  });

  it("a new image renames the launch template, target group and group (replaced, new first); the same image does not", async () => {
    const prefixes = async (name: string, imageId: string) => {
      const { one } = await build(name, base({ imageId, listenerArn: LISTENER, vpcId: "vpc-1" }));
      return [T.lt, T.tg, T.asg].map((type) => String(one(type).inputs.namePrefix).replace(name, "fleet"));
    };
    const a = await prefixes("web", AMI_A);
    const again = await prefixes("app", AMI_A);
    const b = await prefixes("api", AMI_B);
    expect(again.map((p) => p.replace(/^app/, "fleet"))).toEqual(a);
    for (const [i, prefix] of b.entries()) expect(prefix).not.toBe(a[i]);
  });

  it("tags every resource and propagates them to instances and volumes", async () => {
    const { one } = await build("web", base({ tags: { team: "edge" }, loadBalancer: { vpcId: "vpc-1" } }));
    const tags = { team: "edge", "kiln:fleet": "web" };
    const instanceTags = { ...tags, "kiln:image": AMI_A };
    expect(one(T.lt).inputs.tagSpecifications).toEqual([
      { resourceType: "instance", tags: instanceTags },
      { resourceType: "volume", tags: instanceTags },
    ]);
    expect(one(T.asg).inputs.tags).toEqual(
      Object.entries(instanceTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    );
    expect(one(T.lt).inputs.tags).toEqual(instanceTags);
    // Load balancer and target groups outlive no image: they carry no image tag.
    for (const type of [T.tg, T.lb]) expect(one(type).inputs.tags).toEqual(tags);
  });

  it("passes user data encoded, the instance profile by name or ARN, key pair and security groups", async () => {
    const { one } = await build(
      "web",
      base({
        userData: "#!/bin/sh\necho hi\n",
        instanceProfile: "arn:aws:iam::1:instance-profile/web",
        keyName: "ops",
        securityGroupIds: ["sg-1"],
      }),
    );
    expect(one(T.lt).inputs).toMatchObject({
      userData: Buffer.from("#!/bin/sh\necho hi\n").toString("base64"),
      iamInstanceProfile: { arn: "arn:aws:iam::1:instance-profile/web" },
      keyName: "ops",
      vpcSecurityGroupIds: ["sg-1"],
    });
    const named = await build("api", base({ instanceProfile: "web-profile", requireImdsv2: false }));
    expect(named.one(T.lt).inputs.iamInstanceProfile).toEqual({ name: "web-profile" });
    expect(named.one(T.lt).inputs.metadataOptions.httpTokens).toBe("optional");
  });

  it("steers an existing listener rule; without a load balancer gates on capacity only", async () => {
    const rule = LISTENER.replace(":listener/", ":listener-rule/");
    const ruled = await build("web", base({ listenerRuleArn: rule, vpcId: "vpc-1" }));
    expect(ruled.one(T.rollout).inputs.rollout).toMatchObject({ listenerRuleArn: rule });
    expect(ruled.of(T.lb)).toEqual([]);

    const bare = await build("batch", base({ capacity: { min: 2, max: 5 } }));
    expect(bare.of(T.tg)).toEqual([]);
    expect(bare.one(T.asg).inputs).toMatchObject({
      healthCheckType: "EC2",
      targetGroupArns: [],
      minSize: 2,
      desiredCapacity: 2,
      maxSize: 5,
    });
    const rollout = bare.one(T.rollout).inputs.rollout;
    expect(rollout.target).toEqual({ group: expect.stringMatching(/^batch-[0-9a-f]{8}-/) });
    expect(rollout).not.toHaveProperty("listenerArn");
  });

  it("any launch setting change renames the generation (replaced, new first) as an image change does; capacity, subnets and target group settings do not", async () => {
    const prefixes = async (name: string, extra: Partial<ImmutableFleetArgs>) => {
      const { one } = await build(name, base({ listenerArn: LISTENER, vpcId: "vpc-1", ...extra }));
      return [T.lt, T.tg, T.asg].map((type) => String(one(type).inputs.namePrefix).replace(name, "fleet"));
    };
    const v1 = { userData: "#!/bin/sh\necho v1\n", capacity: { min: 2 } };
    const before = await prefixes("web", v1);
    const image = await prefixes("web1", { ...v1, imageId: AMI_B });
    for (const [i, prefix] of image.entries()) expect(prefix).not.toBe(before[i]);
    const changes: Partial<ImmutableFleetArgs>[] = [
      { userData: "#!/bin/sh\necho v2\n" },
      { instanceType: "t3.small" },
      { securityGroupIds: ["sg-2"] },
      { instanceProfile: "web-profile" },
      { keyName: "ops" },
      { requireImdsv2: false },
      { tags: { team: "core" } },
    ];
    for (const [n, change] of changes.entries()) {
      const after = await prefixes(`web${n + 2}`, { ...v1, ...change });
      for (const [i, prefix] of after.entries()) expect(prefix, JSON.stringify(change)).not.toBe(before[i]);
    }
    const kept: Partial<ImmutableFleetArgs>[] = [
      { capacity: { min: 3, max: 6 } },
      { subnetIds: ["subnet-c"] },
      { targetGroup: { healthCheckPath: "/health" } },
      { healthCheckGracePeriod: 120 },
    ];
    for (const [n, change] of kept.entries()) {
      expect(await prefixes(`api${n}`, { ...v1, ...change }), JSON.stringify(change)).toEqual(
        before.map((p) => p.replace(/^web/, "api")),
      );
    }
    // The key is what names the generation, known and not secret even when the user data is.
    const secret = await build("sec", base({ userData: pulumi.secret("#!/bin/sh\necho v1\n") }));
    const key = generationKey(
      launchFingerprint({
        imageId: AMI_A,
        instanceType: "t3.micro",
        userData: "#!/bin/sh\necho v1\n",
        requireImdsv2: true,
        tags: {},
      }),
    );
    expect(await resolved(secret.fleet.generationKey)).toBe(key);
    expect(secret.one(T.lt).inputs.namePrefix).toBe(`${generationNamesForKey("sec", key).launchTemplate}-`);
  });

  it("keepPrevious: two slots; a new image replaces the kept slot; setting it back switches to the kept group with nothing new", async () => {
    const args = (imageId: string) =>
      base({ imageId, keepPrevious: true, loadBalancer: { vpcId: "vpc-1" }, capacity: { min: 2 } });
    const deploy = async (imageId: string) => {
      await mocks();
      const { one, fleet } = await build("web", args(imageId));
      const slot = (i: 0 | 1) => {
        const resource = (type: string) => {
          const r = registered.find((x) => x.type === type && x.name === (i === 0 ? "web" : "web-b"));
          if (!r) throw new Error(`no ${type} in slot ${i}`);
          return r;
        };
        return { lt: resource(T.lt), tg: resource(T.tg), asg: resource(T.asg) };
      };
      return { one, fleet, slots: [slot(0), slot(1)] as const, rollout: one(T.rollout) };
    };
    const key = defaultKey;
    const prefixOf = (k: string) => `${generationNamesForKey("web", k).group}-`;

    // First deploy: slot 0 live at capacity, slot 1 an empty stand-by on the same settings.
    const first = await deploy(AMI_A);
    const [s0, s1] = first.slots;
    expect(first.one(T.slots).inputs).toMatchObject({ fleet: "web", key: key(AMI_A) });
    expect(s0.asg.inputs).toMatchObject({ namePrefix: prefixOf(key(AMI_A)), minSize: 2, desiredCapacity: 2 });
    expect(s1.asg.inputs).toMatchObject({ namePrefix: prefixOf(key(AMI_A)), minSize: 0, desiredCapacity: 0 });
    expect(first.rollout.inputs.rollout.target.group).toBe(`${prefixOf(key(AMI_A))}20261130`);
    for (const r of [s0.lt, s0.tg, s0.asg, s1.lt, s1.tg, s1.asg]) expect(r.retainOnDelete).toBe(false);
    for (const r of [s0.lt, s1.lt]) expect(r.ignoreChanges).toEqual(expect.arrayContaining(["imageId", "userData"]));
    for (const r of [s0.asg, s1.asg]) expect(r.ignoreChanges).toEqual(expect.arrayContaining(["desiredCapacity"]));
    expect(first.rollout.dependencies).toEqual(expect.arrayContaining([s0.asg.urn, s1.asg.urn]));

    // Image B: it goes into slot 1 (renamed: replaced), slot 0 is untouched and kept.
    const second = await deploy(AMI_B);
    expect(second.slots[0].asg.inputs.namePrefix).toBe(prefixOf(key(AMI_A)));
    expect(second.slots[1].asg.inputs.namePrefix).toBe(prefixOf(key(AMI_B)));
    expect(second.slots[1].asg.inputs.desiredCapacity).toBe(2);
    expect(second.rollout.inputs.rollout.target.group).toBe(`${prefixOf(key(AMI_B))}20261130`);
    expect(await resolved(second.fleet.slots?.move as pulumi.Output<string>)).toBe("new-generation");

    // Back to A: both slots keep their names (nothing replaced); the rollout targets slot 0's group again.
    const third = await deploy(AMI_A);
    expect(third.slots.map((s) => s.asg.inputs.namePrefix)).toEqual([prefixOf(key(AMI_A)), prefixOf(key(AMI_B))]);
    expect(third.slots.map((s) => s.lt.inputs.namePrefix)).toEqual(second.slots.map((s) => s.lt.inputs.namePrefix));
    expect(third.slots.map((s) => s.tg.inputs.namePrefix)).toEqual(second.slots.map((s) => s.tg.inputs.namePrefix));
    expect(third.rollout.inputs.rollout.target.group).toBe(`${prefixOf(key(AMI_A))}20261130`);
    expect(third.rollout.inputs.rollout.target.targetGroupArn).toBe(`arn:mock:${T.tg}:web`);
    expect(await resolved(third.fleet.slots?.move as pulumi.Output<string>)).toBe("return-to-kept");

    // Forward to B again: as instant; a new image C then replaces the kept slot 0.
    expect((await deploy(AMI_B)).rollout.inputs.rollout.target.targetGroupArn).toBe(`arn:mock:${T.tg}:web-b`);
    const c = "ami-0ccccccccccccccc3";
    const fifth = await deploy(c);
    expect(fifth.slots.map((s) => s.asg.inputs.namePrefix)).toEqual([prefixOf(key(c)), prefixOf(key(AMI_B))]);
  });

  it("keepPrevious off → on keeps slot 0 as the one generation was (nothing replaced) and adds an empty slot", async () => {
    const single = await build("web", base({ loadBalancer: { vpcId: "vpc-1" } }));
    const before = [T.lt, T.tg, T.asg].map((type) => single.one(type).inputs);
    await mocks();
    const slotted = await build("web", base({ loadBalancer: { vpcId: "vpc-1" }, keepPrevious: true }));
    expect([T.lt, T.tg, T.asg].map((type) => slotted.one(type).inputs)).toEqual(before);
    expect(registered.find((r) => r.type === T.asg && r.name === "web-b")?.inputs.desiredCapacity).toBe(0);
    expect(slotted.one(T.rollout).inputs.rollout.target).toEqual(single.one(T.rollout).inputs.rollout.target);
  });

  it("keepPrevious on → off with slot 1 live: the one generation is declared anew from the live settings and the second slot goes", async () => {
    const slotted = (imageId: string) => base({ imageId, keepPrevious: true, loadBalancer: { vpcId: "vpc-1" } });
    await build("web", slotted(AMI_A));
    await mocks();
    await build("web", slotted(AMI_B));
    const slotGroup = registered.find((r) => r.type === T.asg && r.name === "web-b")?.inputs.namePrefix;
    await mocks();
    const single = await build("web", base({ imageId: AMI_B, loadBalancer: { vpcId: "vpc-1" } }));
    // `web` held A (slot 0): renamed for B, so replaced new-first, and the rollout cuts over to it from slot 1.
    expect(single.one(T.asg).inputs.namePrefix).toBe(slotGroup);
    expect(single.one(T.rollout).inputs.rollout).toMatchObject({
      keepPrevious: false,
      target: { group: `${slotGroup}20261130`, targetGroupArn: `arn:mock:${T.tg}:web` },
    });
    // Not declared any more, so the engine deletes slot 1 and the slots at the end of the update.
    expect(registered.filter((r) => r.name === "web-b" || r.type === T.slots)).toEqual([]);
    for (const type of [T.lt, T.tg, T.asg]) {
      expect(single.one(type).retainOnDelete).toBe(false);
      expect(single.one(type).ignoreChanges).toEqual([]);
    }
  });

  it("boots from a BakedImage's imageId", async () => {
    const { BakedImage } = await import("../../provider/pulumi/baked-image");
    const image = new BakedImage("img", {
      amazonEbs: {
        region: "eu-west-1",
        sourceAmi: AMI_A,
        instanceType: "t3.micro",
        sshUsername: "ubuntu",
        amiName: "web",
      },
      provisioners: [{ type: "shell", inline: ["true"] }],
    });
    const { fleet, one } = await build("web", base({ imageId: undefined, image }));
    expect(await resolved(fleet.imageId)).toBe("ami-0baked000000001");
    expect(one(T.lt).inputs.imageId).toBe("ami-0baked000000001");
    expect(one(T.lt).dependencies).toContain(await resolved(image.urn));
  });

  it.each<[string, Partial<ImmutableFleetArgs>, RegExp]>([
    ["no image", { imageId: undefined }, /\[imageId\] and \[image\]/],
    ["a malformed AMI", { imageId: "ubuntu" }, /\[imageId\] "ubuntu" is not an AMI ID/],
    ["no subnets", { subnetIds: [] }, /\[subnetIds\] needs at least one subnet/],
    [
      "two ways to steer",
      { listenerArn: LISTENER, vpcId: "v", loadBalancer: { vpcId: "v" } },
      /at most one of .* not listenerArn and loadBalancer/,
    ],
    ["a listener without a VPC", { listenerArn: LISTENER }, /\[vpcId\] is required with an existing listener/],
    ["a bad listener ARN", { listenerArn: "arn:aws:ec2:x", vpcId: "v" }, /\[listenerArn\] is not an ALB listener ARN/],
    ["canary without a load balancer", { canarySteps: [10] }, /\[canarySteps\] need a load balancer/],
    [
      "falling canary steps",
      { canarySteps: [50, 10], loadBalancer: { vpcId: "v" } },
      /\[canarySteps\] step 1 \(10\) must be larger/,
    ],
    ["a bad bake time", { bakeTime: "soon" }, /\[bakeTime\] invalid duration "soon"/],
    ["a bad health timeout", { healthCheckTimeout: "10 minutes" }, /\[healthCheckTimeout\] invalid duration/],
    ["capacity out of order", { capacity: { min: 3, max: 2 } }, /\[capacity\] needs min ≤ desired ≤ max, got 3\/3\/2/],
    ["a fractional capacity", { capacity: { min: 1.5 } }, /\[capacity.min\] 1.5 is not a whole number/],
    ["a bad health share", { minHealthyPercent: 0 }, /\[minHealthyPercent\] 0 is not in/],
    ["no region", { region: undefined }, /\[region\] is required/],
  ])("rejects %s at once, naming the arg", (_what, extra, message) => {
    expect(() => new ImmutableFleet("bad", base(extra))).toThrow(message);
    expect(() => new ImmutableFleet("bad", base(extra))).toThrow(/^ImmutableFleet 'bad': /);
  });

  it("leaves values not yet known to the cloud", async () => {
    const later = pulumi.output(Promise.resolve("not-an-ami"));
    expect(() => new ImmutableFleet("later", base({ imageId: later, subnetIds: pulumi.output([]) }))).not.toThrow();
  });
});
