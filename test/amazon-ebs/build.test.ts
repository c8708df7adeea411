import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  type Tag,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { BUILD_ID_TAG, FINGERPRINT_TAG } from "../../provider/builders/amazon-ebs/tags";
import { BuildFailedError } from "../../provider/engine/build";
import { build, destroyArtifact } from "../../provider/kiln";
import { SOURCE_AMIS } from "../fixtures/moto";
import {
  amisOf,
  COPY_REGIONS,
  ebsConfig,
  ebsSpec,
  leftovers,
  REGION,
  recorder,
  snapshotsOf,
  useEnv,
  watchApi,
} from "./harness";

const env = useEnv();

const tagsOf = (tags: Tag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key, t.Value]));

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BuildFailedError);
  return (error as BuildFailedError).builds[0]?.error as Error;
}

describe("amazon-ebs: a successful build", () => {
  it("bakes, provisions through SSH, copies to every region, tags everything, and leaves only the artifact", async () => {
    const e = env();
    const marker = join(e.work, "provisioned.txt");
    let ingress: unknown;
    const result = await build(
      ebsSpec(e, {
        config: { ami_regions: [...COPY_REGIONS], tags: { team: "web" }, snapshot_tags: { kind: "root" } },
        provisioners: [{ type: "shell", config: { inline: [`echo "$PACKER_BUILDER_TYPE" > ${marker}`] } }],
      }),
      {
        onStep: async (_build, step, phase) => {
          if (step !== "amazon-ebs: stop instance" || phase !== "before") return;
          const groups = await e.moto.ec2(REGION).send(new DescribeSecurityGroupsCommand({}));
          ingress = groups.SecurityGroups?.filter((g) => g.GroupName !== "default").map((g) => g.IpPermissions);
        },
      },
    );
    expect(readFileSync(marker, "utf8")).toBe("amazon-ebs\n");
    // Only the communicator port, only from the configured CIDR.
    expect(ingress).toEqual([
      [
        expect.objectContaining({
          IpProtocol: "tcp",
          FromPort: e.sshd.port,
          ToPort: e.sshd.port,
          IpRanges: [{ CidrIp: "203.0.113.7/32" }],
        }),
      ],
    ]);

    const [artifact] = result.artifacts;
    const amis = amisOf(artifact);
    expect(Object.keys(amis).sort()).toEqual(["eu-west-1", "us-east-1", "us-west-2"]);
    expect(artifact?.id).toBe(
      `eu-west-1:${amis["eu-west-1"]},us-east-1:${amis["us-east-1"]},us-west-2:${amis["us-west-2"]}`,
    );
    const fingerprint = result.builds[0]?.fingerprint;
    for (const region of [REGION, ...COPY_REGIONS]) {
      const ec2 = e.moto.ec2(region);
      const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [amis[region] as string] }))).Images?.[0];
      expect(image?.Name).toBe("kiln-test-image");
      expect(tagsOf(image?.Tags)).toEqual({
        team: "web",
        [BUILD_ID_TAG]: expect.any(String),
        [FINGERPRINT_TAG]: fingerprint,
      });
      const snapshotIds = snapshotsOf(artifact)[region] ?? [];
      expect(snapshotIds).toEqual(image?.BlockDeviceMappings?.map((m) => m.Ebs?.SnapshotId));
      const snaps = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: snapshotIds }));
      for (const s of snaps.Snapshots ?? []) {
        expect(tagsOf(s.Tags)).toEqual({
          kind: "root",
          [BUILD_ID_TAG]: expect.any(String),
          [FINGERPRINT_TAG]: fingerprint,
        });
      }
      const left = (await leftovers(e.moto, [region])).byRegion[region];
      expect(left).toEqual({
        instances: [],
        keyPairs: [],
        securityGroups: [],
        volumes: [],
        images: [amis[region]],
        snapshots: snapshotIds,
        launchTemplates: [],
      });
    }

    // The build instance required IMDSv2 and carried the build ID.
    const instances = await e.moto.ec2(REGION).send(new DescribeInstancesCommand({}));
    const instance = instances.Reservations?.[0]?.Instances?.[0];
    expect(instance?.MetadataOptions?.HttpTokens).toBe("required");
    expect(tagsOf(instance?.Tags)).toMatchObject({ Name: "Kiln Builder", [BUILD_ID_TAG]: expect.any(String) });

    await destroyArtifact(artifact!, { config: ebsConfig(e) });
    expect((await leftovers(e.moto)).total).toBe(0);
    // Destroy is idempotent.
    await destroyArtifact(artifact!, { config: ebsConfig(e) });
  });

  it("connects with a temporary ed25519 key pair when no ssh_private_key_file is given, then deletes it", async () => {
    const e = env();
    const { ssh_private_key_file: _unused, ...config } = ebsConfig(e);
    let keyType: string | undefined;
    const result = await build(
      {
        baseDir: e.work,
        sources: [{ type: "amazon-ebs", name: "web", config }],
        provisioners: [{ type: "shell", config: { inline: ["true"] } }],
      },
      {
        onStep: async (_b, step, phase) => {
          if (step !== "amazon-ebs: temporary key pair" || phase !== "after") return;
          // Stand in for cloud-init: authorise the key pair's public key on the "instance" (the local sshd).
          const keys = await e.moto.ec2(REGION).send(new DescribeKeyPairsCommand({ IncludePublicKey: true }));
          const key = keys.KeyPairs?.[0];
          keyType = key?.KeyType;
          appendFileSync(join(e.sshd.dir, "authorized_keys"), `${key?.PublicKey?.trim()}\n`);
        },
      },
    );
    expect(keyType).toBe("ed25519");
    expect(result.builds[0]?.ok).toBe(true);
    const left = await leftovers(e.moto, [REGION]);
    expect(left.byRegion[REGION]?.keyPairs).toEqual([]);
  });

  it("reuses an AMI built from identical inputs, and --force rebakes it (replacing the old one)", async () => {
    const e = env();
    const spec = ebsSpec(e, { config: { force_deregister: true, force_delete_snapshot: true } });
    const first = await build(spec);
    const firstId = first.artifacts[0]?.id;

    const api = watchApi();
    const rec = recorder();
    const second = await build(spec, { onEvent: rec.onEvent }).finally(api.stop);
    expect(second.builds[0]?.reused).toBe(true);
    expect(second.artifacts[0]?.id).toBe(firstId);
    expect(api.calls.map((c) => c.command)).toEqual(["DescribeImages"]);

    const third = await build(spec, { force: true });
    expect(third.builds[0]?.reused).toBe(false);
    expect(third.artifacts[0]?.id).not.toBe(firstId);
    const left = await leftovers(e.moto, [REGION]);
    // The old AMI and its snapshot were replaced, not left beside the new one.
    expect(left.byRegion[REGION]?.images).toEqual([amisOf(third.artifacts[0])[REGION]]);
    expect(left.byRegion[REGION]?.snapshots).toHaveLength(1);
  });

  it("does not reuse an AMI whose copy in one region is missing", async () => {
    const e = env();
    const spec = ebsSpec(e, { config: { ami_regions: ["us-west-2"], force_deregister: true } });
    const first = await build(spec);
    const amis = amisOf(first.artifacts[0]);
    await destroyArtifact(
      { ...first.artifacts[0]!, details: { amis: { "us-west-2": amis["us-west-2"] } } },
      { config: ebsConfig(e) },
    );
    const second = await build(spec);
    expect(second.builds[0]?.reused).toBe(false);
    expect(second.artifacts[0]?.id).not.toBe(first.artifacts[0]?.id);
  });

  it("refuses an ami_name that is taken, naming force_deregister, before creating anything", async () => {
    const e = env();
    await build(ebsSpec(e, { config: { ami_regions: ["us-west-2"] } }));
    const api = watchApi();
    const error = await failure(
      build(ebsSpec(e, { config: { ami_regions: ["us-west-2"], ami_description: "v2" } })),
    ).finally(api.stop);
    expect(error.message).toMatch(
      /AMI name 'kiln-test-image' is already used by ami-\w+ in us-east-1; ami-\w+ in us-west-2.*force_deregister/,
    );
    expect(api.calls.filter((c) => !c.command.startsWith("Describe"))).toEqual([]);
  });

  it("selects the newest AMI with source_ami_filter and most_recent", async () => {
    const e = env();
    const { source_ami: _s, ...config } = ebsConfig(e, {
      source_ami_filter: [{ filters: { name: "ubuntu/images/*jammy*" }, owners: ["099720109477"], most_recent: true }],
    });
    await build({ baseDir: e.work, sources: [{ type: "amazon-ebs", name: "web", config }] });
    const instances = await e.moto.ec2(REGION).send(new DescribeInstancesCommand({}));
    expect(instances.Reservations?.[0]?.Instances?.[0]?.ImageId).toBe(SOURCE_AMIS.jammyNew.id);
  });

  it("fails when a filter matches several AMIs without most_recent, listing them", async () => {
    const e = env();
    const { source_ami: _s, ...config } = ebsConfig(e, {
      source_ami_filter: { filters: { name: "ubuntu/images/hvm-ssd/*" }, owners: ["099720109477"] },
    });
    const error = await failure(build({ baseDir: e.work, sources: [{ type: "amazon-ebs", name: "web", config }] }));
    expect(error.message).toContain("2 AMIs match");
    expect(error.message).toContain("most_recent");
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("with skip_create_ami provisions and tears down without making an AMI", async () => {
    const e = env();
    const result = await build(ebsSpec(e, { config: { skip_create_ami: true } }));
    expect(result.artifacts[0]?.id).toBe("");
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("launches spot instances through a launch template and an instant fleet, and removes both", async () => {
    const e = env();
    const { instance_type: _t, ...config } = ebsConfig(e, {
      spot_price: "0.05",
      spot_instance_types: ["t3.micro", "t3a.micro"],
    });
    const result = await build({ baseDir: e.work, sources: [{ type: "amazon-ebs", name: "web", config }] });
    const instances = await e.moto.ec2(REGION).send(new DescribeInstancesCommand({}));
    expect(instances.Reservations?.[0]?.Instances?.[0]?.InstanceLifecycle).toBe("spot");
    const left = (await leftovers(e.moto, [REGION])).byRegion[REGION];
    expect(left?.launchTemplates).toEqual([]);
    expect(left?.instances).toEqual([]);
    expect(left?.images).toEqual([amisOf(result.artifacts[0])[REGION]]);
  });

  it("deletes launch volumes that outlive the instance (delete_on_termination = false)", async () => {
    const e = env();
    let during: string[] = [];
    await build(
      ebsSpec(e, {
        config: {
          launch_block_device_mappings: [{ device_name: "/dev/sdf", volume_size: 5, volume_type: "gp3" }],
          run_volume_tags: { purpose: "scratch" },
        },
      }),
      {
        onStep: async (_b, step, phase) => {
          if (step !== "amazon-ebs: stop instance" || phase !== "before") return;
          const volumes = await e.moto.ec2(REGION).send(new DescribeVolumesCommand({}));
          during = (volumes.Volumes ?? [])
            .filter((v) => tagsOf(v.Tags).purpose === "scratch")
            .map((v) => v.VolumeId ?? "");
        },
      },
    );
    expect(during).toHaveLength(1);
    expect((await leftovers(e.moto, [REGION])).byRegion[REGION]?.volumes).toEqual([]);
  });

  it("with encrypt_boot keeps only the encrypted copy", async () => {
    const e = env();
    const result = await build(ebsSpec(e, { config: { encrypt_boot: true, kms_key_id: "alias/kiln" } }));
    const left = (await leftovers(e.moto, [REGION])).byRegion[REGION];
    expect(left?.images).toEqual([amisOf(result.artifacts[0])[REGION]]);
    expect(left?.snapshots).toHaveLength(1);
    const all = await e.moto.ec2(REGION).send(new DescribeImagesCommand({ Owners: ["self"] }));
    expect(all.Images).toHaveLength(1);
  });

  it("passes user_data_file to the instance and shares the AMI with ami_users and ami_groups", async () => {
    const e = env();
    writeFileSync(join(e.work, "cloud-init.yaml"), "#cloud-config\npackages: [nginx]\n");
    const result = await build(
      ebsSpec(e, {
        config: {
          user_data_file: "cloud-init.yaml",
          ami_users: ["111122223333"],
          ami_groups: ["all"],
          imds_support: "v2.0",
        },
      }),
    );
    const ec2 = e.moto.ec2(REGION);
    const instanceId = (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.[0]?.Instances?.[0]?.InstanceId;
    const userData = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: "userData" }),
    );
    expect(Buffer.from(userData.UserData?.Value ?? "", "base64").toString()).toBe("#cloud-config\npackages: [nginx]\n");
    const imageId = amisOf(result.artifacts[0])[REGION];
    const perms = await ec2.send(
      new DescribeImageAttributeCommand({ ImageId: imageId, Attribute: "launchPermission" }),
    );
    expect(perms.LaunchPermissions).toEqual(expect.arrayContaining([{ UserId: "111122223333" }, { Group: "all" }]));
  });
  it("sets imds_support and deprecate_at on the AMI in every region", async () => {
    const e = env();
    const seen: { region: string; command: string; input: Record<string, unknown> }[] = [];
    const api = watchApi({
      intercept: async (call, send, input) => {
        if (call.command === "ModifyImageAttribute" || call.command === "EnableImageDeprecation") {
          seen.push({ ...call, input });
        }
        // moto has no EnableImageDeprecation: answer as EC2 does.
        if (call.command === "EnableImageDeprecation") return { output: { $metadata: {}, Return: true }, response: {} };
        return send();
      },
    });
    const result = await build(
      ebsSpec(e, {
        config: { ami_regions: ["us-west-2"], imds_support: "v2.0", deprecate_at: "2030-01-01T00:00:00Z" },
      }),
    ).finally(api.stop);
    const amis = amisOf(result.artifacts[0]);
    for (const region of [REGION, "us-west-2"]) {
      expect(seen).toContainEqual({
        region,
        command: "ModifyImageAttribute",
        input: { ImageId: amis[region], ImdsSupport: { Value: "v2.0" } },
      });
      expect(seen).toContainEqual({
        region,
        command: "EnableImageDeprecation",
        input: { ImageId: amis[region], DeprecateAt: new Date("2030-01-01T00:00:00Z") },
      });
    }
  });
});

describe("amazon-ebs: failures leave nothing behind", () => {
  it("stops with an error naming temporary_security_group_source_cidrs when the public IP lookup fails", async () => {
    const e = env();
    const { temporary_security_group_source_cidrs: _c, ...config } = ebsConfig(e);
    const previous = process.env.KILN_PUBLIC_IP_URL;
    process.env.KILN_PUBLIC_IP_URL = "http://127.0.0.1:9/"; // discard port: connection refused
    const api = watchApi();
    try {
      const error = await failure(build({ baseDir: e.work, sources: [{ type: "amazon-ebs", name: "web", config }] }));
      expect(error.message).toContain("temporary_security_group_source_cidrs");
      expect(error.message).toContain("127.0.0.1:9");
    } finally {
      api.stop();
      if (previous === undefined) delete process.env.KILN_PUBLIC_IP_URL;
      else process.env.KILN_PUBLIC_IP_URL = previous;
    }
    // Nothing was created: the lookup runs before the first create call (only the reuse lookup ran).
    expect(api.calls.map((c) => c.command)).toEqual(["DescribeImages"]);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("removes copies already made when a region copy fails (Packer #10248)", async () => {
    const e = env();
    let westCopied!: () => void;
    const westDone = new Promise<void>((resolve) => {
      westCopied = resolve;
    });
    let westImage: string | undefined;
    const api = watchApi({
      intercept: async (call, send) => {
        if (call.command !== "CopyImage") return send();
        if (call.region === "us-west-2") {
          const out = (await send()) as { output: { ImageId?: string } };
          westImage = out.output.ImageId;
          westCopied();
          return out;
        }
        await westDone;
        throw Object.assign(new Error("injected: copy to eu-west-1 refused"), { name: "InvalidRequest" });
      },
    });
    const error = await failure(
      build(ebsSpec(e, { config: { ami_regions: ["us-west-2", "eu-west-1"] } })).finally(api.stop),
    );
    expect(error.message).toContain("to eu-west-1 failed: injected: copy to eu-west-1 refused");
    expect(westImage).toMatch(/^ami-/);
    expect(await leftovers(e.moto)).toEqual(expect.objectContaining({ total: 0 }));
  });
});
