import { createRequire } from "node:module";
import { DescribeImagesCommand, DescribeSnapshotsCommand, type Tag } from "@aws-sdk/client-ec2";
import { vi } from "vitest";
import type { BakedImageInputs, BakedImageOutputs, ResolvedArgs } from "../../provider/pulumi/inputs";
import { providerInputs } from "../../provider/pulumi/program";
import { type Env, useEnv as useSharedEnv } from "../fixtures/aws-env";
import { type Leftovers, leftoverCount, MOTO_CREDENTIALS, type Moto, SOURCE_AMIS } from "../fixtures/moto";

// The provider loads its runtime with Node's `require`, as it must inside Pulumi's provider host; here
// the runtime is TypeScript, which Node loads through this hook (the Pulumi host loads compiled JS).
createRequire(__filename)("./ts-require.cjs");

export const REGION = "us-east-1";
export const COPY_REGION = "us-west-2";

export type { Env } from "../fixtures/aws-env";

/** Starts moto and sshd once per file and resets moto before each test. */
export const useEnv = (): (() => Env) => useSharedEnv("kiln-pulumi");

/** `amazonEbs` args pointed at moto for EC2 and at the local sshd for SSH. */
export function ebsArgs(env: Env, extra: Partial<ResolvedAmazonEbs> = {}): ResolvedAmazonEbs {
  return {
    region: REGION,
    accessKey: MOTO_CREDENTIALS.accessKeyId,
    secretKey: MOTO_CREDENTIALS.secretAccessKey,
    customEndpointEc2: env.moto.endpoint,
    sourceAmi: SOURCE_AMIS.jammyNew.id,
    instanceType: "t3.micro",
    amiName: "kiln-pulumi-test",
    temporarySecurityGroupSourceCidrs: ["203.0.113.7/32"],
    sshHost: env.sshd.host,
    sshPort: env.sshd.port,
    sshUsername: env.sshd.username,
    sshPrivateKeyFile: env.sshd.privateKeyPath,
    ...extra,
  };
}

type ResolvedAmazonEbs = NonNullable<ResolvedArgs["amazonEbs"]>;

/** The inputs the program would register for these args (fingerprint computed as BakedImage does). */
export function inputsFor(
  env: Env,
  args: ResolvedArgs,
  extra: { sensitiveValues?: string[]; owner?: string; name?: string } = {},
): Promise<BakedImageInputs> {
  return providerInputs(extra.name ?? "web", { baseDir: env.work, ...args }, extra);
}

/** Every line the provider printed while `fn` ran (what the Pulumi display would show). */
export async function captureConsole<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; lines: string[] }> {
  const lines: string[] = [];
  const record = (chunk: unknown) => {
    lines.push(...String(chunk).split("\n").filter(Boolean));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(record);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(record);
  try {
    return { result: await fn(), lines };
  } catch (error) {
    return { error, lines };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Leftovers in the build region and the copy region, with the total. */
export async function leftovers(moto: Moto, regions: readonly string[] = [REGION, COPY_REGION]) {
  const byRegion: Record<string, Leftovers> = {};
  for (const region of regions) byRegion[region] = await moto.countLeftovers(region);
  return { byRegion, total: Object.values(byRegion).reduce((n, l) => n + leftoverCount(l), 0) };
}

/** Tags of an AMI as a map, or undefined when moto no longer has it. */
export async function amiTags(
  moto: Moto,
  region: string,
  imageId: string,
): Promise<Record<string, string> | undefined> {
  const out = await moto.ec2(region).send(new DescribeImagesCommand({ Owners: ["self"] }));
  const image = out.Images?.find((i) => i.ImageId === imageId);
  return image ? tagMap(image.Tags) : undefined;
}

export async function snapshotTags(moto: Moto, region: string, snapshotId: string): Promise<Record<string, string>> {
  const out = await moto.ec2(region).send(new DescribeSnapshotsCommand({ OwnerIds: ["self"] }));
  return tagMap(out.Snapshots?.find((s) => s.SnapshotId === snapshotId)?.Tags);
}

function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
}

export type { BakedImageInputs, BakedImageOutputs };
