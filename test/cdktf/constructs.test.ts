/**
 * The CDKTF constructs at synth, with cdktf's Testing helpers and matchers (no Terraform run): the
 * resources and wiring they produce, the fingerprint's reaction to file edits, secrets kept out of the
 * configuration, validation naming the prop (the cdktn flavour: cdktn-flavour.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { DataResource, Testing } from "cdktf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BakedImage, type BakedImageProps, ImmutableFleet, type ImmutableFleetProps } from "../../constructs/cdktf";
import { generationNames } from "../../provider/fleet/plan";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-cdktf-synth-"));
  writeFileSync(join(dir, "web.sh"), "#!/bin/sh\necho v1\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type BakedImageEbs = NonNullable<BakedImageProps["amazonEbs"]>;

function imageProps(extra: Partial<BakedImageProps> = {}): BakedImageProps {
  return {
    amazonEbs: {
      region: "us-east-1",
      sourceAmi: "ami-0a11c0ffee0000002",
      instanceType: "t3.micro",
      sshUsername: "ubuntu",
      amiName: "web",
      sshPassword: BakedImage.fromEnv("BUILD_PASSWORD"),
    },
    provisioners: [{ type: "shell", script: "web.sh", env: { TOKEN: BakedImage.fromEnv("API_TOKEN") } }],
    baseDir: dir,
    ...extra,
  };
}

/**
 * Synthesizes one BakedImage. Its `kiln image check` runs synchronously (synth is synchronous); yielding
 * afterwards lets vitest's worker answer its runner between checks.
 */
async function synthImage(props: BakedImageProps): Promise<{ json: string; image: BakedImage }> {
  let image: BakedImage | undefined;
  let json = "";
  try {
    json = Testing.synthScope((scope) => {
      image = new BakedImage(scope, "web", props);
    });
  } finally {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { json, image: image as BakedImage };
}

function parsed(json: string) {
  return JSON.parse(json) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
    data: Record<string, Record<string, Record<string, unknown>>>;
  };
}

function only<T>(map: Record<string, T> | undefined): T {
  const values = Object.values(map ?? {});
  expect(values).toHaveLength(1);
  return values[0] as T;
}

describe("BakedImage", () => {
  it("bakes in a terraform_data replaced by fingerprint, and finds the image by holder tag after it", async () => {
    const { json, image } = await synthImage(imageProps());
    expect(image.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(
      Testing.toHaveResourceWithProperties(json, DataResource.tfResourceType, {
        triggers_replace: { fingerprint: image.fingerprint, imageName: "web" },
        lifecycle: { create_before_destroy: true },
      }),
    ).toBe(true);
    const bake = only(parsed(json).resource.terraform_data) as {
      provisioner: { "local-exec": { command: string; when?: string; environment: Record<string, string> } }[];
      input: { request: string };
    };
    const [create, destroy] = bake.provisioner.map((p) => p["local-exec"]);
    expect(create?.command).toMatch(/^exec .* image bake --holder \$\{self\.id\}$/);
    expect(destroy).toMatchObject({ when: "destroy" });
    expect(destroy?.command).toMatch(/^exec .* image destroy --holder \$\{self\.id\}$/);
    expect(create?.environment).toEqual({ KILN_IMAGE_REQUEST: `\${self.input.request}` });
    expect(
      Testing.toHaveDataSourceWithProperties(json, DataAwsAmi.tfResourceType, { owners: ["self"], most_recent: true }),
    ).toBe(true);
    expect(only(parsed(json).data.aws_ami).filter).toEqual([
      { name: "tag-key", values: [expect.stringMatching(/^kiln:pulumi:holder:\$\{terraform_data\..+\.id\}$/)] },
    ]);
    expect(only(parsed(json).data.aws_ami).depends_on).toEqual([expect.stringMatching(/^terraform_data\./)]);
  });

  it("keeps secrets out of the configuration: env references only, read by kiln at apply time", async () => {
    process.env.API_TOKEN = "tok-should-not-appear-7731";
    try {
      const { json } = await synthImage(imageProps());
      expect(json).not.toContain("tok-should-not-appear-7731");
      expect(json).toContain("kiln:env:API_TOKEN");
      expect(json).toContain("kiln:env:BUILD_PASSWORD");
    } finally {
      delete process.env.API_TOKEN;
    }
  });

  it("changes its fingerprint when a script's bytes change, and only then", async () => {
    const before = (await synthImage(imageProps())).image.fingerprint;
    expect((await synthImage(imageProps({ tags: { team: "web" }, timeout: "30m" }))).image.fingerprint).toBe(before);
    writeFileSync(join(dir, "web.sh"), "#!/bin/sh\necho v2\n");
    expect((await synthImage(imageProps())).image.fingerprint).not.toBe(before);
  });

  it("writes shell and template placeholders in scripts as text, not as Terraform interpolation", async () => {
    const inline = [`echo \${HOME} %{x}`];
    const { json } = await synthImage(imageProps({ provisioners: [{ type: "shell", inline }] }));
    const request = (only(parsed(json).resource.terraform_data) as { input: { request: string } }).input.request;
    expect(request).toContain("echo $${HOME} %%{x}");
  });

  it("refuses at synth what it cannot honour, naming the construct and the prop, before any cloud call", async () => {
    // An azure-arm image cannot be read back with data "aws_ami": inline or from a template.
    const azureArm = { location: "East US", managedImageName: "web", sshUsername: "ubuntu" };
    const inline = { ...imageProps(), amazonEbs: undefined, azureArm } as unknown as BakedImageProps;
    await expect(synthImage(inline)).rejects.toThrow(
      /BakedImage '.*web': azureArm: the CDKTF BakedImage bakes amazon-ebs images only/,
    );
    writeFileSync(
      join(dir, "azure.pkr.hcl"),
      `source "azure-arm" "web" {
  subscription_id = "00000000-0000-0000-0000-000000000001"
  tenant_id = "00000000-0000-0000-0000-000000000002"
  client_id = "00000000-0000-0000-0000-000000000003"
  client_secret = "not-a-secret"
  location = "East US"
  image_publisher = "Canonical"
  image_offer = "0001-com-ubuntu-server-jammy"
  image_sku = "22_04-lts"
  managed_image_name = "web"
  managed_image_resource_group_name = "images"
  ssh_username = "ubuntu"
}
build { sources = ["source.azure-arm.web"] }
`,
    );
    await expect(synthImage({ template: "azure.pkr.hcl", baseDir: dir })).rejects.toThrow(
      /BakedImage '.*web': template: builds a azure-arm image; the CDKTF BakedImage bakes amazon-ebs images only/,
    );
    // The fingerprint and the request are computed at synth: a Terraform reference has no value yet.
    Testing.synthScope((scope) => {
      const ebs = { ...(imageProps().amazonEbs as BakedImageEbs), subnetId: new DataResource(scope, "subnet", {}).id };
      expect(() => new BakedImage(scope, "web", imageProps({ amazonEbs: ebs }))).toThrow(
        /BakedImage '.*web': amazonEbs\.subnetId: a Terraform reference cannot be used here/,
      );
    });
    // A password as plain text would land in cdktf.out, the plan and the state.
    const plain = { ...(imageProps().amazonEbs as BakedImageEbs), sshPassword: "hunter2" };
    const refused = synthImage(imageProps({ amazonEbs: plain }));
    await expect(refused).rejects.toThrow(
      /BakedImage '.*web': amazonEbs\.sshPassword: a sensitive value given as plain text/,
    );
    await expect(refused).rejects.not.toThrow(/hunter2/);
  });

  it("fails at synth naming the prop", async () => {
    await expect(synthImage(imageProps({ template: "./web.pkr.hcl" }))).rejects.toThrow(
      /BakedImage '.*web': template: set only one of/,
    );
    await expect(synthImage(imageProps({ provisioners: [{ type: "shell", script: "missing.sh" }] }))).rejects.toThrow(
      /BakedImage '.*web': provisioners\[0\]: file not found: .*missing\.sh/,
    );
    const ebs = { ...(imageProps().amazonEbs as object), instanceType: undefined, spotPrice: undefined };
    await expect(synthImage(imageProps({ amazonEbs: ebs as BakedImageProps["amazonEbs"] }))).rejects.toThrow(
      /BakedImage '.*web': amazonEbs\.instanceType/,
    );
  });
});

const FLEET: ImmutableFleetProps = {
  imageId: "ami-0123456789abcdef0",
  instanceType: "t3.micro",
  vpcId: "vpc-1",
  subnetIds: ["subnet-a", "subnet-b"],
  loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1",
  canarySteps: [10, 50],
  bakeTime: "2m",
};

function synthFleet(props: Partial<ImmutableFleetProps> = {}): string {
  return Testing.synthScope((scope) => {
    new ImmutableFleet(scope, "web-fleet", { ...FLEET, ...props });
  });
}

describe("ImmutableFleet", () => {
  it("names each generation from its image, creates it before destroying the old, and leaves weights to the rollout", () => {
    const json = synthFleet();
    const { resource } = parsed(json);
    const names = generationNames("web-fleet", FLEET.imageId);
    const key = /^\$\{substr\(sha256\(jsonencode\(\["ami-0123456789abcdef0", "t3\.micro", .*\]\)\), 0, 8\)\}$/;
    const group = only(resource.aws_autoscaling_group);
    const groupName = String(group.name);
    expect(groupName.slice(0, names.group.length - 8)).toBe(names.group.slice(0, -8));
    expect(groupName.slice(names.group.length - 8)).toMatch(key);
    expect(group).toMatchObject({
      min_size: 2,
      max_size: 2,
      desired_capacity: 2,
      lifecycle: { create_before_destroy: true },
    });
    expect(only(resource.aws_launch_template)).toMatchObject({ lifecycle: { create_before_destroy: true } });
    expect(only(resource.aws_launch_template).user_data).toMatch(/^\$\{base64encode\(/);
    const targetGroup = only(resource.aws_lb_target_group);
    expect(String(targetGroup.name).slice(names.targetGroup.length - 8)).toMatch(key);
    expect(targetGroup).toMatchObject({ lifecycle: { create_before_destroy: true } });
    expect(
      Testing.toHaveResourceWithProperties(json, LbListener.tfResourceType, {
        lifecycle: { ignore_changes: ["default_action"] },
      }),
    ).toBe(true);
    const rollout = only(resource.terraform_data) as {
      provisioner: { "local-exec": { command: string } }[];
      input: { request: string };
    };
    expect(rollout.provisioner[0]?.["local-exec"].command).toMatch(/^exec .* fleet rollout$/);
    expect(rollout.input.request).toMatch(/^\$\{jsonencode\(/);
    expect(rollout.input.request).toContain('"canarySteps" = [10, 50]');
  });

  it("any change to what an instance boots from renames the generation (blue/green); capacity does not", () => {
    const names = (props: Partial<ImmutableFleetProps> = {}) => {
      const { resource } = parsed(synthFleet(props));
      return [resource.aws_launch_template, resource.aws_lb_target_group, resource.aws_autoscaling_group].map(
        (r) => only(r).name,
      );
    };
    const base = names();
    for (const change of [
      { imageId: "ami-0fedcba9876543210" },
      { instanceType: "t3.small" },
      { userData: "#!/bin/sh\necho v2\n" },
      { securityGroupIds: ["sg-1"] },
    ]) {
      const renamed = names(change);
      for (const [i, name] of renamed.entries()) expect(name, JSON.stringify(change)).not.toBe(base[i]);
    }
    expect(names({ desiredCapacity: 3, maxSize: 4 })).toEqual(base);
    expect(names({ subnetIds: ["subnet-c"] })).toEqual(base);
    // Security groups in another order are the same launch.
    expect(names({ securityGroupIds: ["sg-1", "sg-2"] })).toEqual(names({ securityGroupIds: ["sg-2", "sg-1"] }));
  });

  it("fails at synth naming the prop", () => {
    expect(() => synthFleet({ desiredCapacity: 5, maxSize: 3 })).toThrow(
      /ImmutableFleet '.*web-fleet': minSize ≤ desiredCapacity ≤ maxSize must hold, got 5\/5\/3/,
    );
    expect(() => synthFleet({ canarySteps: [50, 10] })).toThrow(/canarySteps: step 1 \(10\) must be larger/);
    expect(() => synthFleet({ bakeTime: "soon" })).toThrow(/bakeTime: /);
    expect(() => synthFleet({ minHealthyPercent: 0 })).toThrow(/minHealthyPercent: 0 is not in/);
    expect(() => synthFleet({ subnetIds: [] })).toThrow(/subnetIds: give at least one subnet/);
  });
});
