import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import "../pulumi/harness";

// examples/pulumi-fleet as a program under Pulumi's mocks: a BakedImage feeding an ImmutableFleet with a
// load balancer. (The @pulumi/aws plugin cannot be had here; see the example's README.)

const BAKED_AMI = "ami-0baked0000000001";
const registered: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args);
        const state: Record<string, unknown> = { ...args.inputs, arn: `arn:mock:${args.name}` };
        if (args.type.endsWith(":BakedImage")) state.imageId = BAKED_AMI;
        if (args.inputs.namePrefix) state.name = `${args.inputs.namePrefix}x`;
        if (args.type === "aws:lb/loadBalancer:LoadBalancer") state.dnsName = "web-123.eu-west-1.elb.amazonaws.com";
        if (args.type.endsWith(":FleetRollout")) state.live = { group: args.inputs.rollout.target.group };
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === "aws:ec2/getAmi:getAmi") return { id: "ami-0a11c0ffee0000002" };
        if (args.token === "aws:ec2/getVpc:getVpc") return { id: "vpc-1" };
        if (args.token === "aws:ec2/getSubnets:getSubnets") return { ids: ["subnet-a", "subnet-b"] };
        return args.inputs;
      },
    },
    "kiln-pulumi-fleet",
    "dev",
    false,
  );
  pulumi.runtime.setConfig("aws:region", "eu-west-1");
});

const resolved = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));
const inputsOf = (type: string) => registered.find((r) => r.type === type)?.inputs;

describe("examples/pulumi-fleet", () => {
  it("bakes the image and rolls the fleet out from it behind a new load balancer", async () => {
    process.chdir(join(__dirname, "../../examples/pulumi-fleet"));
    const program = await import("../../examples/pulumi-fleet/index");
    expect(await resolved(program.imageId)).toBe(BAKED_AMI);
    expect(await resolved(program.url)).toBe("http://web-123.eu-west-1.elb.amazonaws.com");
    const live = await resolved(program.liveGroup);
    expect(live).toMatch(/^web-[0-9a-f]{8}-x$/);
    expect(inputsOf("aws:ec2/launchTemplate:LaunchTemplate")).toMatchObject({ imageId: BAKED_AMI });
    expect(inputsOf("aws:autoscaling/group:Group")).toMatchObject({
      vpcZoneIdentifiers: ["subnet-a", "subnet-b"],
      minSize: 2,
      maxSize: 4,
      desiredCapacity: 2,
    });
    expect(inputsOf("pulumi-nodejs:dynamic/kiln:FleetRollout")?.rollout).toMatchObject({
      target: { group: live },
      canarySteps: [10, 50],
      bakeTime: "2m",
      region: "eu-west-1",
      listenerArn: "arn:mock:web",
    });
  });
});
