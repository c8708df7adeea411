import type { EC2Client } from "@aws-sdk/client-ec2";
import { onAwsClient } from "../../provider/builders/amazon-ebs/clients";
import type { Artifact } from "../../provider/engine/artifact";
import type { BuildEvent } from "../../provider/engine/events";
import type { BuildSpec, PostProcessorSpec, ProvisionerSpec } from "../../provider/spec/types";
import { type Env, useEnv as useSharedEnv } from "../fixtures/aws-env";
import { type Leftovers, leftoverCount, MOTO_CREDENTIALS, type Moto, SOURCE_AMIS } from "../fixtures/moto";

export const REGION = "us-east-1";
export const COPY_REGIONS = ["us-west-2", "eu-west-1"] as const;
export const ALL_REGIONS = [REGION, ...COPY_REGIONS];

export type { Env } from "../fixtures/aws-env";

/** Starts moto and sshd once per file and resets moto before each test. */
export const useEnv = (): (() => Env) => useSharedEnv("kiln-ebs");

/** An amazon-ebs source pointed at moto for the API and at the local sshd for the communicator. */
export function ebsConfig(env: Env, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    region: REGION,
    access_key: MOTO_CREDENTIALS.accessKeyId,
    secret_key: MOTO_CREDENTIALS.secretAccessKey,
    custom_endpoint_ec2: env.moto.endpoint,
    source_ami: SOURCE_AMIS.jammyNew.id,
    instance_type: "t3.micro",
    ami_name: "kiln-test-image",
    temporary_security_group_source_cidrs: ["203.0.113.7/32"],
    ssh_host: env.sshd.host,
    ssh_port: env.sshd.port,
    ssh_username: env.sshd.username,
    ssh_private_key_file: env.sshd.privateKeyPath,
    ...extra,
  };
}

export function ebsSpec(
  env: Env,
  options: {
    config?: Record<string, unknown>;
    provisioners?: ProvisionerSpec[];
    postProcessors?: PostProcessorSpec[][];
  } = {},
): BuildSpec {
  return {
    baseDir: env.work,
    sources: [{ type: "amazon-ebs", name: "web", config: ebsConfig(env, options.config) }],
    provisioners: options.provisioners ?? [],
    postProcessors: options.postProcessors,
  };
}

export function recorder() {
  const events: BuildEvent[] = [];
  return {
    events,
    onEvent: (e: BuildEvent) => events.push(e),
    messages: () => events.flatMap((e) => (e.type === "message" ? [e.text] : [])),
  };
}

export async function leftovers(moto: Moto, regions: readonly string[] = ALL_REGIONS) {
  const byRegion: Record<string, Leftovers> = {};
  for (const region of regions) byRegion[region] = await moto.countLeftovers(region);
  const total = Object.values(byRegion).reduce((n, l) => n + leftoverCount(l), 0);
  return { byRegion, total };
}

export interface ApiCall {
  readonly region: string;
  readonly command: string;
}

let watchers = 0;

/**
 * SDK middleware on every client Kiln creates while active: records each EC2/SSM call (once per call,
 * not per retry attempt, unless `perAttempt`), and lets a test intercept calls.
 */
export function watchApi(
  options: {
    perAttempt?: boolean;
    /** `input` is the command's input (e.g. `{ ImageId, DeprecateAt }`). */
    intercept?: (call: ApiCall, send: () => Promise<unknown>, input: Record<string, unknown>) => Promise<unknown>;
  } = {},
) {
  const calls: ApiCall[] = [];
  const name = `kilnTestWatch${++watchers}`;
  const stop = onAwsClient((client, region) => {
    (client as EC2Client).middlewareStack.add(
      (next, context) => async (args) => {
        const call = { region, command: String(context.commandName).replace(/Command$/, "") };
        calls.push(call);
        if (!options.intercept) return next(args);
        const input = (args as { input: Record<string, unknown> }).input;
        return (await options.intercept(call, () => next(args), input)) as Awaited<ReturnType<typeof next>>;
      },
      // deserialize: inside the SDK's retry loop (each attempt); initialize: outside it (each call).
      { step: (options.perAttempt ? "deserialize" : "initialize") as "initialize", name, priority: "high" },
    );
  });
  return { calls, stop };
}

/** Region → AMI ID of an amazon-ebs artifact. */
export function amisOf(artifact: Artifact | undefined): Record<string, string> {
  return (artifact?.details.amis ?? {}) as Record<string, string>;
}

/** Region → snapshot IDs of an amazon-ebs artifact. */
export function snapshotsOf(artifact: Artifact | undefined): Record<string, string[]> {
  return (artifact?.details.snapshots ?? {}) as Record<string, string[]>;
}
