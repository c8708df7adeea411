import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { ImmutableFleet, type ImmutableFleetArgs } from "../../constructs/pulumi/immutable-fleet";
import { generationNames } from "../../provider/fleet/plan";

// The component's resource graph under Pulumi's mocks (the @pulumi/aws provider plugin cannot be had
// here). The mock monitor's registrations are recorded with their options: parent, dependencies,
// retainOnDelete, ignoreChanges — what the engine would act on.

interface Registration {
  type: string;
  name: string;
  // biome-ignore lint/suspicious/noExplicitAny: inputs are whatever the component registered; tests match on them
  inputs: Record<string, any>;
  parent: string;
  dependencies: string[];
  retainOnDelete: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  urn: string;
}

/** The parts of the mock monitor's RegisterResourceRequest read here. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): never;
  getParent(): string;
  getDependenciesList(): string[];
  getRetainondelete(): boolean;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
}
type Callback = (err: unknown, res?: { getUrn(): string }) => void;
interface MockMonitor {
  registerResource(req: RegisterRequest, callback: Callback): void;
}

let registered: Registration[] = [];
const LISTENER =
  "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2";
const AMI_A = "ami-0aaaaaaaaaaaaaaa1";
const AMI_B = "ami-0bbbbbbbbbbbbbbb2";

async function mocks(): Promise<void> {
  registered = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state: Record<string, unknown> = { ...args.inputs, arn: `arn:mock:${args.type}:${args.name}` };
        // What the provider computes: a name from the prefix, the template's version, a baked AMI.
        if (args.inputs.namePrefix) state.name = `${args.inputs.namePrefix}20261130`;
        if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") state.latestVersion = 1;
        if (args.type.endsWith(":BakedImage")) state.imageId = "ami-0baked000000001";
        if (args.type.endsWith(":FleetRollout")) state.live = { group: args.inputs.rollout.target.group };
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "kiln-fleet",
    "dev",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, res) => {
      registered.push({
        type: req.getType(),
        name: req.getName(),
        inputs: pulumi.runtime.deserializeProperties(req.getObject()),
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        retainOnDelete: req.getRetainondelete(),
        ignoreChanges: req.getIgnorechangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        urn: res?.getUrn?.() ?? "",
      });
      callback(err, res);
    });
}

beforeEach(mocks);

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
};

describe("ImmutableFleet resource graph", () => {
  it("creates a load balancer, listener, launch template, target group, group and rollout, all children of the component", async () => {
    const { one } = await build(
      "web",
      base({ loadBalancer: { vpcId: "vpc-1" }, canarySteps: [10, 50], bakeTime: "1m" }),
    );
    const component = one(T.component);
    for (const type of [T.lb, T.listener, T.lt, T.tg, T.asg, T.rollout]) expect(one(type).parent).toBe(component.urn);
    const names = generationNames("web", AMI_A);
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
    const tags = { team: "edge", "kiln:fleet": "web", "kiln:image": AMI_A };
    expect(one(T.lt).inputs.tagSpecifications).toEqual([
      { resourceType: "instance", tags },
      { resourceType: "volume", tags },
    ]);
    expect(one(T.asg).inputs.tags).toEqual(
      Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    );
    for (const type of [T.lt, T.tg, T.lb]) expect(one(type).inputs.tags).toEqual(tags);
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

  it("keepPrevious retains each generation in AWS for the rollout to retire", async () => {
    const { one } = await build("web", base({ keepPrevious: true, loadBalancer: { vpcId: "vpc-1" } }));
    for (const type of [T.lt, T.tg, T.asg]) expect(one(type).retainOnDelete).toBe(true);
    expect(one(T.listener).retainOnDelete).toBe(false);
    expect(one(T.rollout).inputs.rollout.keepPrevious).toBe(true);
    expect(one(T.rollout).inputs.launchTemplateId).toBe("web-id");
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
