/**
 * The fleet's settings described once (provider/fleet/settings.ts): each setting's value checks give one
 * reason, which the Pulumi component (`[setting] reason`) and the CDKTF construct (`setting: reason`)
 * both report; values not known yet (an Output, a token) are left alone.
 */
import * as pulumi from "@pulumi/pulumi";
import { Testing, Token } from "cdktf";
import { describe, expect, it } from "vitest";
import { ImmutableFleet as CdktfFleet, type ImmutableFleetProps } from "../../constructs/cdktf";
import { type ImmutableFleetArgs, validateFleetArgs } from "../../constructs/pulumi/immutable-fleet-args";
import { fleetSettings, PULUMI_FLEET_ARGS, settingProblems } from "../../provider/fleet/settings";

const never = () => false;

const PULUMI: ImmutableFleetArgs = {
  imageId: "ami-0aaaaaaaaaaaaaaa1",
  instanceType: "t3.micro",
  subnetIds: ["subnet-a"],
};
const CDKTF: ImmutableFleetProps = {
  imageId: "ami-0123456789abcdef0",
  instanceType: "t3.micro",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a"],
  loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1",
};

function pulumiError(extra: Partial<ImmutableFleetArgs>): string {
  try {
    validateFleetArgs("web", { ...PULUMI, ...extra }, "eu-west-1");
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

function cdktfError(extra: Partial<ImmutableFleetProps>): string {
  try {
    Testing.synthScope((scope) => {
      new CdktfFleet(scope, "web-fleet", { ...CDKTF, ...extra });
    });
  } catch (error) {
    return (error as Error).message;
  }
  return "";
}

describe("fleet settings", () => {
  it("checks each known value, naming the setting, and passes good ones", () => {
    expect(
      settingProblems(
        { bakeTime: "soon", minHealthyPercent: 0, canarySteps: [50, 10], port: 70000, imageId: "ubuntu" },
        never,
      ),
    ).toEqual([
      { setting: "imageId", reason: '"ubuntu" is not an AMI ID' },
      { setting: "port", reason: "70000 is not a port (1–65535)" },
      { setting: "canarySteps", reason: "step 1 (10) must be larger than step 0 (50)" },
      { setting: "bakeTime", reason: expect.stringMatching(/^invalid duration "soon"/) },
      { setting: "minHealthyPercent", reason: "0 is not in (0, 100]" },
    ]);
    expect(
      settingProblems({ bakeTime: "90s", minHealthyPercent: 50, canarySteps: [10, 50], port: 8080 }, never),
    ).toEqual([]);
    // Not known yet: left to the cloud.
    expect(
      settingProblems({ bakeTime: "soon", canarySteps: [50, "later"] }, (v) => v === "soon" || v === "later"),
    ).toEqual([]);
  });

  it.each<[string, Partial<ImmutableFleetArgs & ImmutableFleetProps>]>([
    ["bakeTime", { bakeTime: "soon" }],
    ["minHealthyPercent", { minHealthyPercent: 120 }],
    ["canarySteps", { canarySteps: [0] }],
  ])("the Pulumi component and the CDKTF construct give the same reason for a bad %s", (setting, extra) => {
    const [problem] = settingProblems(extra, never);
    expect(problem?.setting).toBe(setting);
    const reason = problem?.reason ?? "";
    // canarySteps also need a load balancer in Pulumi: give it one so the step check is the only problem.
    const pulumiExtra = setting === "canarySteps" ? { ...extra, loadBalancer: { vpcId: "vpc-1" } } : extra;
    expect(pulumiError(pulumiExtra)).toBe(`ImmutableFleet 'web': [${setting}] ${reason}`);
    expect(cdktfError(extra)).toMatch(new RegExp(`^ImmutableFleet '.*web-fleet': ${setting}: `));
    expect(cdktfError(extra)).toContain(`${setting}: ${reason}`);
  });

  it("checks CDKTF props the construct did not check before: an AMI ID, capacities, ports", () => {
    expect(cdktfError({ imageId: "ubuntu" })).toContain('imageId: "ubuntu" is not an AMI ID');
    expect(cdktfError({ minSize: 1.5, maxSize: 3 })).toContain("minSize: 1.5 is not a whole number ≥ 0");
    expect(cdktfError({ instancePort: 0 })).toContain("instancePort: 0 is not a port (1–65535)");
  });

  it("leaves Outputs and tokens to the cloud", () => {
    expect(pulumiError({ imageId: pulumi.output("not-an-ami") })).toBe("");
    expect(cdktfError({ imageId: Token.asString({ Ref: "image" }) })).toBe("");
  });

  it("the plugin's argument kinds are the settings' own", () => {
    const shape = fleetSettings.shape as Record<string, unknown>;
    for (const name of Object.keys(PULUMI_FLEET_ARGS)) expect(shape[name], name).toBeDefined();
    expect(PULUMI_FLEET_ARGS).toMatchObject({ imageId: "input", tags: "object", capacity: "plain" });
    expect(Object.keys(PULUMI_FLEET_ARGS)).not.toContain("loadBalancerArn");
  });
});
