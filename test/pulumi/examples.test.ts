import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { providerInputs } from "../../provider/pulumi/program";
import { bakedImageProvider } from "../../provider/pulumi/provider";
import "./harness";

// The examples as programs: examples/pulumi-aws runs under Pulumi's mocks (its wiring: image → launch
// template → autoscaling group), and examples/pulumi-template's template passes the provider's check.

const EXAMPLES = join(__dirname, "../../examples");
const BAKED_AMI = "ami-0baked0000000001";
const registered: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args);
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type.endsWith(":BakedImage"))
          Object.assign(state, { imageId: BAKED_AMI, images: { "eu-west-1": BAKED_AMI } });
        if (args.type === "aws:ec2/launchTemplate:LaunchTemplate") state.latestVersion = 3;
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token === "aws:ec2/getAmi:getAmi") return { id: "ami-0a11c0ffee0000002", ...args.inputs };
        if (args.token === "aws:ec2/getVpc:getVpc") return { id: "vpc-1" };
        if (args.token === "aws:ec2/getSubnets:getSubnets") return { ids: ["subnet-a", "subnet-b"] };
        return args.inputs;
      },
    },
    "kiln-pulumi-aws",
    "dev",
    false,
  );
});

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

function inputsOf(type: string) {
  const found = registered.find((r) => r.type === type);
  if (!found) throw new Error(`no ${type} registered; got ${registered.map((r) => r.type).join(", ")}`);
  return found.inputs as Record<string, unknown>;
}

describe("examples", () => {
  it("pulumi-aws: bakes from its scripts and launches the autoscaling group from the baked image", async () => {
    // Pulumi runs a program in its project directory; relative script paths resolve there.
    process.chdir(join(EXAMPLES, "pulumi-aws"));
    const program = await import("../../examples/pulumi-aws/index");
    expect(await resolved(program.imageId)).toBe(BAKED_AMI);
    await resolved(program.autoscalingGroup);

    const image = inputsOf("pulumi-nodejs:dynamic/kiln:BakedImage");
    expect(image.fingerprint).toMatch(/^sha256:/);
    expect(image.amazonEbs).toMatchObject({ sourceAmi: "ami-0a11c0ffee0000002", sshUsername: "ubuntu" });
    expect(inputsOf("aws:ec2/launchTemplate:LaunchTemplate").imageId).toBe(BAKED_AMI);
    expect(inputsOf("aws:autoscaling/group:Group")).toMatchObject({
      launchTemplate: { id: "web-id", version: "3" },
      vpcZoneIdentifiers: ["subnet-a", "subnet-b"],
    });
  });

  it("pulumi-template: the template loads, `only` picks one source, and the build validates", async () => {
    const dir = join(EXAMPLES, "pulumi-template");
    const inputs = await providerInputs("web", {
      template: "./web.pkr.hcl",
      vars: { region: "eu-west-1", api_token: "t0ken" },
      only: ["amazon-ebs.web"],
      baseDir: dir,
    });
    expect(inputs.fingerprint).toMatch(/^sha256:/);
    expect((await bakedImageProvider.check?.({}, inputs))?.failures).toEqual([]);
  });
});
