/**
 * `kiln/cdktn` at synth, with CDK Terrain's own Testing helpers (no Terraform run): the constructs in a
 * native `cdktn` app (App, stack and AWS provider from `cdktn` / `@cdktn/provider-aws`), the same
 * configuration as `kiln/cdktf` gives for the same props (moving an app over replans nothing), validation
 * through cdktn's tokens — and what goes wrong when the `kiln/cdktf` constructs are put in a cdktn app.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsProvider as CdktfAwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsAmi } from "@cdktn/provider-aws/lib/data-aws-ami";
import { LaunchTemplate } from "@cdktn/provider-aws/lib/launch-template";
import { AwsProvider } from "@cdktn/provider-aws/lib/provider";
import * as cdktf from "cdktf";
import { App, DataResource, TerraformStack, Testing } from "cdktn";
import type { Construct } from "constructs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as flavourCdktf from "../../constructs/cdktf";
import { BakedImage, type BakedImageProps, ImmutableFleet, type ImmutableFleetProps } from "../../constructs/cdktn";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-cdktn-synth-"));
  writeFileSync(join(dir, "web.sh"), "#!/bin/sh\necho v1\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function imageProps(): BakedImageProps & flavourCdktf.BakedImageProps {
  return {
    amazonEbs: {
      region: "us-east-1",
      sourceAmi: "ami-0a11c0ffee0000002",
      instanceType: "t3.micro",
      sshUsername: "ubuntu",
      amiName: "web",
      sshPassword: BakedImage.fromEnv("BUILD_PASSWORD"),
    },
    provisioners: [{ type: "shell", script: "web.sh" }],
    baseDir: dir,
  };
}

const FLEET: Omit<ImmutableFleetProps, "imageId" | "provider"> = {
  instanceType: "t3.micro",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1",
  canarySteps: [50],
};

interface Synthesized {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data: Record<string, Record<string, Record<string, unknown>>>;
}

/** A stack as a CDK Terrain user writes it: everything from cdktn, @cdktn/provider-aws and kiln/cdktn. */
class WebStack extends TerraformStack {
  readonly image: BakedImage;
  readonly fleet: ImmutableFleet;
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const aws = new AwsProvider(this, "aws", { region: "us-east-1" });
    this.image = new BakedImage(this, "web", { ...imageProps(), provider: aws });
    this.fleet = new ImmutableFleet(this, "web-fleet", { ...FLEET, imageId: this.image.imageId, provider: aws });
  }
}

describe("kiln/cdktn", () => {
  it("synthesizes in a native cdktn App: App.synth() writes the stack, its pieces typed as @cdktn/provider-aws classes", () => {
    const outdir = mkdtempSync(join(tmpdir(), "kiln-cdktn-app-"));
    try {
      const app = new App({ outdir });
      const stack = new WebStack(app, "web");
      app.synth();
      const written = JSON.parse(readFileSync(join(outdir, "stacks/web/cdk.tf.json"), "utf8")) as Synthesized;
      expect(Object.keys(written.resource.terraform_data ?? {})).toHaveLength(2);
      expect(Object.keys(written.data.aws_ami ?? {})).toHaveLength(1);
      const [template] = Object.values(written.resource.aws_launch_template ?? {});
      expect(template?.image_id).toMatch(/^\$\{data\.aws_ami\..+\.id\}$/);
      // The constructs' resources are cdktn's classes: what cdktn's synth and a user's code expect.
      expect(stack.image.ami).toBeInstanceOf(DataAwsAmi);
      expect(stack.image.bake).toBeInstanceOf(DataResource);
      expect(stack.fleet.launchTemplate).toBeInstanceOf(LaunchTemplate);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("writes the same resources as kiln/cdktf for the same props: an app moved to CDK Terrain plans no change", () => {
    const terrain = JSON.parse(Testing.synth(new WebStack(Testing.app(), "web"))) as Synthesized;
    const app = cdktf.Testing.app();
    const stack = new cdktf.TerraformStack(app, "web");
    const aws = new CdktfAwsProvider(stack, "aws", { region: "us-east-1" });
    const image = new flavourCdktf.BakedImage(stack, "web", { ...imageProps(), provider: aws });
    new flavourCdktf.ImmutableFleet(stack, "web-fleet", { ...FLEET, imageId: image.imageId, provider: aws });
    const hashicorp = JSON.parse(cdktf.Testing.synth(stack)) as Synthesized;
    expect(terrain.resource).toEqual(hashicorp.resource);
    expect(terrain.data).toEqual(hashicorp.data);
    expect(Object.keys(terrain.resource).sort()).toEqual([
      "aws_autoscaling_group",
      "aws_launch_template",
      "aws_lb_listener",
      "aws_lb_target_group",
      "terraform_data",
    ]);
  });

  it("validates with cdktn's tokens: a Terraform reference in the image props is refused, naming the prop", () => {
    Testing.synthScope((scope) => {
      const ebs = {
        ...(imageProps().amazonEbs as NonNullable<BakedImageProps["amazonEbs"]>),
        subnetId: new DataResource(scope, "subnet", {}).id,
      };
      expect(() => new BakedImage(scope, "web", { ...imageProps(), amazonEbs: ebs })).toThrow(
        /BakedImage '.*web': amazonEbs\.subnetId: a Terraform reference cannot be used here/,
      );
      expect(() => new ImmutableFleet(scope, "web-fleet", { ...FLEET, imageId: "ami-1", subnetIds: [] })).toThrow(
        /ImmutableFleet '.*web-fleet': subnetIds: give at least one subnet/,
      );
    });
  });

  it("a cdktf provider is a type error for kiln/cdktn (and a cdktn one for kiln/cdktf)", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "web");
    const hashicorp = new CdktfAwsProvider(stack, "aws", { region: "us-east-1" });
    // @ts-expect-error cdktf's TerraformProvider is not cdktn's
    const wrong: ImmutableFleetProps = { ...FLEET, imageId: "ami-1", provider: hashicorp };
    const terrain = new AwsProvider(stack, "tn", {});
    // @ts-expect-error cdktn's TerraformProvider is not cdktf's
    const wrongToo: flavourCdktf.ImmutableFleetProps = { ...FLEET, imageId: "ami-1", provider: terrain };
    expect([wrong, wrongToo]).toHaveLength(2);
  });
});

describe("kiln/cdktf constructs inside a cdktn app (why kiln/cdktn exists)", () => {
  /** The cdktf flavour in a cdktn stack, as a user who changed only their own imports would have it. */
  class MixedStack extends TerraformStack {
    constructor(scope: Construct, id: string) {
      super(scope, id);
      new AwsProvider(this, "aws", { region: "us-east-1" });
      new flavourCdktf.ImmutableFleet(this, "web-fleet", { ...FLEET, imageId: "ami-0123456789abcdef0" });
    }
  }

  it("cdktn's Testing.synth passes, so a unit test says nothing; App.synth() (what `cdktn synth` runs) throws", () => {
    const json = JSON.parse(Testing.synth(new MixedStack(Testing.app(), "web"))) as Synthesized;
    expect(Object.keys(json.resource.aws_autoscaling_group ?? {})).toHaveLength(1);
    const outdir = mkdtempSync(join(tmpdir(), "kiln-cdktn-mixed-"));
    try {
      const app = new App({ outdir });
      new MixedStack(app, "web");
      // cdktn takes cdktf's elements for its own (both mark them with Symbol.for("cdktf/TerraformElement"))
      // and calls a method cdktf's elements do not have.
      expect(() => app.synth()).toThrow(/_resetResolveDiscoveredProviderFeatureUsage is not a function/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
