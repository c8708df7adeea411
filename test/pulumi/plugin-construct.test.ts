import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, describe, expect, it } from "vitest";
import { generationNamesForKey } from "../../provider/fleet/plan";
import { FLEET_ARGS } from "../../provider/pulumi/plugin/fleet";
import { IMMUTABLE_FLEET, kilnProvider } from "../../provider/pulumi/plugin/provider";
import { mockFleetResources, type Registration } from "../fixtures/pulumi-mocks";

// The plugin's `construct` for kiln:index:ImmutableFleet, called in-process under Pulumi's mocks: the
// @pulumi/aws provider plugin cannot be had here, so no engine runs the AWS resources. What this proves:
// the call builds the TypeScript component with the inputs as the provider server hands them over
// (plain values, Outputs where another resource's output flows in), its children registered under it,
// and the state it returns. Not proven: a Python/Go/YAML program's construct through a real engine.

let registered: Registration[] = [];
const AMI = "ami-0aaaaaaaaaaaaaaa1";
const ROOT = join(__dirname, "../..");

beforeEach(async () => {
  registered = await mockFleetResources("kiln-plugin");
});

const plugin = () => kilnProvider({ log: () => () => {} });
/** The resource options the provider server rebuilds from a ConstructRequest with none set. */
const serverOptions = { aliases: [], dependsOn: [], protect: false, providers: {}, ignoreChanges: [] };
const resolved = (o: pulumi.Input<string>) => new Promise<string>((resolve) => pulumi.output(o).apply(resolve));

/** Inputs as the server deserializes them: another resource's outputs (the image, the VPC) are Outputs. */
const inputs = (extra: pulumi.Inputs = {}): pulumi.Inputs => ({
  imageId: pulumi.output(AMI),
  instanceType: "t3.micro",
  subnetIds: ["subnet-a", "subnet-b"],
  loadBalancer: { vpcId: pulumi.output("vpc-1") },
  capacity: { min: 2, max: 4 },
  canarySteps: [10, 50],
  bakeTime: "1m",
  region: "eu-west-1",
  ...extra,
});

describe("pulumi-resource-kiln construct: ImmutableFleet", () => {
  it("builds the component: its children registered under it, imageId and groupName returned", async () => {
    const result = await plugin().construct?.("web", IMMUTABLE_FLEET, inputs(), serverOptions);
    if (!result) throw new Error("the plugin has no construct");
    const urn = await resolved(result.urn);
    const state = result.state as { imageId: pulumi.Output<string>; groupName: pulumi.Output<string> };
    expect(await resolved(state.imageId)).toBe(AMI);
    // The generation's key hashes the launch settings (provider/fleet/plan.ts launchFingerprint); the group
    // is named from it, as the launch template is.
    const groupName = await resolved(state.groupName);
    const key = /^web-([0-9a-f]{8})-/.exec(groupName)?.[1] ?? "";
    expect(key).toMatch(/^[0-9a-f]{8}$/);
    expect(groupName).toBe(`${generationNamesForKey("web", key).group}-20261130`);
    await new Promise((r) => setTimeout(r, 50));

    const component = registered.find((r) => r.type === IMMUTABLE_FLEET);
    expect(component?.urn).toBe(urn);
    const children = registered.filter((r) => r.parent === urn).map((r) => r.type);
    expect(children.sort()).toEqual(
      [
        "aws:autoscaling/group:Group",
        "aws:ec2/launchTemplate:LaunchTemplate",
        "aws:lb/listener:Listener",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/targetGroup:TargetGroup",
        "pulumi-nodejs:dynamic/kiln:FleetRollout",
      ].sort(),
    );
    const one = (type: string) => registered.find((r) => r.type === type)?.inputs ?? {};
    expect(one("aws:ec2/launchTemplate:LaunchTemplate")).toMatchObject({ imageId: AMI, instanceType: "t3.micro" });
    expect(JSON.stringify(one("aws:ec2/launchTemplate:LaunchTemplate"))).toContain(key);
    expect(one("aws:autoscaling/group:Group")).toMatchObject({ minSize: 2, maxSize: 4, desiredCapacity: 2 });
    expect(one("aws:lb/targetGroup:TargetGroup")).toMatchObject({ vpcId: "vpc-1" });
    expect(one("pulumi-nodejs:dynamic/kiln:FleetRollout").rollout).toMatchObject({
      canarySteps: [10, 50],
      bakeTime: "1m",
      region: "eu-west-1",
    });
  });

  it.each<[string, pulumi.Inputs, RegExp]>([
    [
      "a planning argument from another resource",
      { capacity: pulumi.output({ min: 2 }) },
      /\[capacity\] must be known/,
    ],
    ["a secret planning argument", { bakeTime: pulumi.secret("1m") }, /\[bakeTime\] must be known/],
    ["an argument the component does not have", { imageID: AMI }, /\[imageID\] is not an argument/],
    ["the component's own validation", { subnetIds: [] }, /\[subnetIds\] needs at least one subnet/],
  ])("rejects %s, naming it, before anything registers", async (_, extra, message) => {
    await expect(plugin().construct?.("web", IMMUTABLE_FLEET, inputs(extra), serverOptions)).rejects.toThrow(message);
    expect(registered).toEqual([]);
  });

  it("names the component it has when asked for another", async () => {
    await expect(plugin().construct?.("web", "kiln:index:Fleet", {}, serverOptions)).rejects.toThrow(
      /no component kiln:index:Fleet \(it has kiln:index:ImmutableFleet\)/,
    );
  });

  it("schema.json's ImmutableFleet has the component's arguments and the state construct returns", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8"));
    const fleet = schema.resources[IMMUTABLE_FLEET];
    expect(fleet.isComponent).toBe(true);
    expect(Object.keys(fleet.inputProperties).sort()).toEqual(Object.keys(FLEET_ARGS).sort());
    expect(Object.keys(fleet.properties).sort()).toEqual(["groupName", "imageId"]);
  });
});
