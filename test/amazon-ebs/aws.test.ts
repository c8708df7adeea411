import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { DescribeSecurityGroupsCommand, DescribeVolumesCommand } from "@aws-sdk/client-ec2";
import { GetParameterCommand, ListTagsForResourceCommand, SSMClient } from "@aws-sdk/client-ssm";
import { describe, expect, it } from "vitest";
import { cleanupLeftovers } from "../../provider/builders/amazon-ebs/cleanup";
import { lookupAmazonAmi } from "../../provider/builders/amazon-ebs/data-ami";
import { BUILD_ID_TAG } from "../../provider/builders/amazon-ebs/tags";
import { BuildFailedError } from "../../provider/engine/build";
import { ConfigError } from "../../provider/engine/errors";
import { build } from "../../provider/kiln";
import { amazonSsmParameter } from "../../provider/postprocessors/amazon-ssm-parameter";
import { MOTO_CREDENTIALS, SOURCE_AMIS } from "../fixtures/moto";
import { ALL_REGIONS, amisOf, COPY_REGIONS, ebsConfig, ebsSpec, leftovers, REGION, useEnv, watchApi } from "./harness";

const env = useEnv();

const access = () => ({
  region: REGION,
  access_key: MOTO_CREDENTIALS.accessKeyId,
  secret_key: MOTO_CREDENTIALS.secretAccessKey,
  custom_endpoint_ec2: env().moto.endpoint,
});

async function buildError(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BuildFailedError);
  return (error as BuildFailedError).builds[0]?.error as Error;
}

describe('data "amazon-ami"', () => {
  it("finds the newest matching AMI with most_recent and returns Packer's attributes", async () => {
    const ami = await lookupAmazonAmi({
      ...access(),
      filters: { name: "ubuntu/images/hvm-ssd/*" },
      owners: ["099720109477"],
      most_recent: true,
    });
    expect(ami).toMatchObject({
      id: SOURCE_AMIS.jammyNew.id,
      name: SOURCE_AMIS.jammyNew.name,
      owner: "099720109477",
      architecture: "x86_64",
      root_device_type: "ebs",
    });
    expect(ami.creation_date).toMatch(/^2024-06-01/);
  });

  it("fails on several matches without most_recent, on none, and on a block without owners", async () => {
    await expect(
      lookupAmazonAmi({ ...access(), filters: { name: "ubuntu/images/hvm-ssd/*" }, owners: ["099720109477"] }),
    ).rejects.toThrow(/data "amazon-ami" in us-east-1: 2 AMIs match .*set most_recent = true/);
    await expect(lookupAmazonAmi({ ...access(), filters: { name: "centos*" }, owners: ["amazon"] })).rejects.toThrow(
      /no AMI matches/,
    );
    await expect(lookupAmazonAmi({ ...access(), filters: { name: "x" } } as never)).rejects.toBeInstanceOf(ConfigError);
  });

  it("reaches the endpoint named by AWS_ENDPOINT_URL when custom_endpoint_ec2 is not set", async () => {
    const { custom_endpoint_ec2: _e, ...rest } = access();
    const previous = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = env().moto.endpoint;
    try {
      const ami = await lookupAmazonAmi({ ...rest, filters: { name: "debian-12-*" }, owners: ["136693071363"] });
      expect(ami.id).toBe(SOURCE_AMIS.debian.id);
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = previous;
    }
  });
});

describe("amazon-ssm-parameter post-processor", () => {
  it("publishes the AMI of the build region (or of `region`) and tags the parameter", async () => {
    const e = env();
    const result = await build(ebsSpec(e, { config: { ami_regions: ["us-west-2"] } }));
    const artifact = result.artifacts[0]!;
    const amis = amisOf(artifact);
    const ctx = { buildName: artifact.buildName } as never;
    const output: string[] = [];
    const run = (config: Record<string, unknown>) =>
      amazonSsmParameter.run(
        amazonSsmParameter.schema.parse({
          access_key: MOTO_CREDENTIALS.accessKeyId,
          secret_key: MOTO_CREDENTIALS.secretAccessKey,
          custom_endpoint_ssm: e.moto.endpoint,
          ...config,
        }),
        artifact,
        { ctx, step: "post-processor amazon-ssm-parameter", output: (_s, line) => output.push(line) },
        new AbortController().signal,
      );
    expect(await run({ parameter_name: "/images/web", tags: { app: "web" } })).toBe(artifact);
    await run({ parameter_name: "/images/web", region: "us-west-2" });
    await run({ parameter_name: "/images/web", region: "us-west-2" });

    const ssm = (region: string) => new SSMClient({ region, endpoint: e.moto.endpoint, credentials: MOTO_CREDENTIALS });
    const east = await ssm(REGION).send(new GetParameterCommand({ Name: "/images/web" }));
    expect(east.Parameter?.Value).toBe(amis[REGION]);
    expect(east.Parameter?.DataType).toBe("aws:ec2:image");
    const tags = await ssm(REGION).send(
      new ListTagsForResourceCommand({ ResourceType: "Parameter", ResourceId: "/images/web" }),
    );
    expect(tags.TagList).toEqual([{ Key: "app", Value: "web" }]);
    const west = await ssm("us-west-2").send(new GetParameterCommand({ Name: "/images/web" }));
    expect(west.Parameter?.Value).toBe(amis["us-west-2"]);
    expect(west.Parameter?.Version).toBe(2);
    expect(output[0]).toContain(`/images/web = ${amis[REGION]}`);

    await expect(run({ parameter_name: "/images/web", region: "ap-south-1" })).rejects.toThrow(
      /has no AMI in ap-south-1; set region to one of: us-east-1, us-west-2/,
    );
  });
});

describe("amazon-ebs: throttling and waits", () => {
  it("retries RequestLimitExceeded with backoff and still builds", async () => {
    const e = env();
    const throttledBy: Record<string, number> = {};
    const otherErrors: string[] = [];
    const attempts = watchApi({
      perAttempt: true,
      intercept: async (call, send) => {
        const budget = call.command === "RunInstances" ? 2 : call.command === "CreateImage" ? 1 : 0;
        if ((throttledBy[call.command] ?? 0) < budget) {
          throttledBy[call.command] = (throttledBy[call.command] ?? 0) + 1;
          throw Object.assign(new Error("Request limit exceeded."), {
            name: "RequestLimitExceeded",
            $fault: "client",
            $metadata: { httpStatusCode: 503 },
          });
        }
        return send().catch((error: Error) => {
          otherErrors.push(`${call.command}: ${error.name} ${error.message}`);
          throw error;
        });
      },
    });
    const calls = watchApi();
    const result = await build(ebsSpec(e)).finally(() => {
      attempts.stop();
      calls.stop();
    });
    expect(result.builds[0]?.ok).toBe(true);
    expect(otherErrors).toEqual([]);
    expect(throttledBy).toEqual({ RunInstances: 2, CreateImage: 1 });
    const count = (list: { command: string }[], c: string) => list.filter((x) => x.command === c).length;
    expect(count(calls.calls, "RunInstances")).toBe(1);
    // Two throttled attempts of RunInstances, one of CreateImage, then success.
    expect(count(attempts.calls, "RunInstances")).toBe(3);
    expect(count(attempts.calls, "CreateImage")).toBe(2);
    // The retried RunInstances started one instance only.
    expect((await leftovers(e.moto, [REGION])).byRegion[REGION]?.instances).toEqual([]);
  });

  it("with max_retries = 0 a throttled call fails the build, which cleans up", async () => {
    const e = env();
    const api = watchApi({
      perAttempt: true,
      intercept: async (call, send) => {
        if (call.command === "CreateImage") {
          throw Object.assign(new Error("Request limit exceeded."), {
            name: "RequestLimitExceeded",
            $fault: "client",
            $metadata: { httpStatusCode: 503 },
          });
        }
        return send();
      },
    });
    const error = await buildError(build(ebsSpec(e, { config: { max_retries: 0 } })).finally(api.stop));
    expect(error.message).toMatch(/step 'amazon-ebs: create AMI' failed: Request limit exceeded/);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("gives up after aws_polling.max_attempts, naming the setting, and cleans up", async () => {
    const e = env();
    // moto makes AMIs available at once; make this one look stuck in "pending", and slow to answer: a
    // slow reply must not cost a poll (max_attempts counts polls, not time).
    const polled: string[] = [];
    let cleaning = false;
    const api = watchApi({
      intercept: async (call, send) => {
        const out = (await send()) as { output: { Images?: { State?: string; ImageId?: string }[] } };
        if (call.command !== "DescribeImages") return out;
        for (const image of out.output.Images ?? []) {
          if (image.ImageId === SOURCE_AMIS.jammyNew.id) continue;
          if (!cleaning) await new Promise((r) => setTimeout(r, 800));
          image.State = "pending";
          if (!cleaning) polled.push(image.ImageId ?? "");
        }
        return out;
      },
    });
    const error = await buildError(
      build(ebsSpec(e, { config: { aws_polling: { delay_seconds: 1, max_attempts: 2 } } }), {
        onEvent: (event) => {
          if (event.type === "cleanup-started") cleaning = true;
        },
      }).finally(api.stop),
    );
    expect(error.message).toMatch(
      /timed out after \S+ \(2 polls\) waiting for AMI ami-\w+ to be available; raise aws_polling\.max_attempts/,
    );
    // Exactly two polls of the new AMI, none after the wait ended.
    const imageId = /AMI (ami-\w+) to be available/.exec(error.message)?.[1];
    expect(polled.filter((id) => id === imageId)).toHaveLength(2);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("is cancelled promptly while waiting, and cleans up", async () => {
    const e = env();
    const controller = new AbortController();
    let cleaning = false;
    let polls = 0;
    // The instance looks stuck in "pending"; the build is cancelled 50 ms after the first poll.
    const api = watchApi({
      intercept: async (call, send) => {
        const out = (await send()) as { output: { Reservations?: { Instances?: { State?: { Name?: string } }[] }[] } };
        if (call.command !== "DescribeInstances" || cleaning) return out;
        polls++;
        for (const r of out.output.Reservations ?? []) for (const i of r.Instances ?? []) i.State = { Name: "pending" };
        setTimeout(() => controller.abort(), 50);
        return out;
      },
    });
    const error = await buildError(
      build(ebsSpec(e), {
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "cleanup-started") cleaning = true;
        },
      }).finally(api.stop),
    );
    expect(error.message).toMatch(/^build 'amazon-ebs.web': step 'amazon-ebs: run instance' was cancelled/);
    // The waiter's next poll was due ≥ 1 s later: cancellation did not wait for it, nor poll again.
    expect(polls).toBe(1);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});

describe("kiln cleanup: leftovers of a build killed outright", () => {
  for (const step of ["amazon-ebs: run instance", "amazon-ebs: create AMI", "amazon-ebs: copy to regions"]) {
    it(`removes everything a build SIGKILLed after '${step}' left, found by its build ID`, async () => {
      const e = env();
      const { ssh_private_key_file: _k, ...config } = ebsConfig(e, {
        ami_regions: [...COPY_REGIONS],
        encrypt_boot: true,
        launch_block_device_mappings: [{ device_name: "/dev/sdf", volume_size: 5 }],
      });
      // With a temporary key pair too: nobody got to use it before the kill.
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(__dirname, "killed-build.ts"), JSON.stringify(config), step],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let out = "";
      child.stdout.on("data", (b: Buffer) => {
        out += b.toString();
        if (out.includes("PAUSED")) child.kill("SIGKILL");
      });
      await once(child, "exit");
      expect(out).toContain("PAUSED");

      const before = await leftovers(e.moto);
      expect(before.total).toBeGreaterThan(0);
      // The ID the build printed is also on what it left behind.
      const buildId = /BUILD_ID (\S+)/.exec(out)?.[1];
      const groups = await e.moto.ec2(REGION).send(new DescribeSecurityGroupsCommand({}));
      const tagged = groups.SecurityGroups?.flatMap((g) => g.Tags ?? []).find((t) => t.Key === BUILD_ID_TAG)?.Value;
      expect(tagged).toBe(buildId);

      const removed = [];
      for (const region of ALL_REGIONS) {
        removed.push(
          await cleanupLeftovers({
            buildId: buildId as string,
            region,
            config: ebsConfig(e),
            signal: new AbortController().signal,
          }),
        );
      }
      expect(removed.reduce((n, r) => n + Object.values(r).flat().length, 0)).toBe(before.total);
      expect(await leftovers(e.moto)).toEqual(expect.objectContaining({ total: 0 }));
      const volumes = await e.moto.ec2(REGION).send(new DescribeVolumesCommand({}));
      expect(volumes.Volumes).toEqual([]);
    });
  }
});
