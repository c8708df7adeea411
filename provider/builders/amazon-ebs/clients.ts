import { EC2Client } from "@aws-sdk/client-ec2";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { KilnError } from "../../engine/errors";
import type { AwsAccessConfig } from "./config";

/** The fields clients are made from; every Kiln AWS plugin accepts them under Packer's names. */
export type AwsAccess = Pick<
  AwsAccessConfig,
  "region" | "access_key" | "secret_key" | "token" | "profile" | "custom_endpoint_ec2" | "max_retries"
>;

/** SDK attempts per call: throttling (RequestLimitExceeded) and 5xx are retried with backoff. */
export const DEFAULT_MAX_ATTEMPTS = 10;

type AnyClient = EC2Client | SSMClient | STSClient;
type ClientHook = (client: AnyClient, region: string) => void;
const hooks = new Set<ClientHook>();

/**
 * Calls `hook` with every AWS client Kiln creates from now on (tracing, call counting, fault injection
 * in tests: add middleware to `client.middlewareStack`). Returns a function that removes the hook.
 */
export function onAwsClient(hook: ClientHook): () => void {
  hooks.add(hook);
  return () => hooks.delete(hook);
}

function common(access: AwsAccess, region: string) {
  const credentials =
    access.access_key && access.secret_key
      ? { accessKeyId: access.access_key, secretAccessKey: access.secret_key, sessionToken: access.token }
      : undefined;
  return {
    region,
    credentials,
    profile: credentials ? undefined : access.profile,
    maxAttempts: (access.max_retries ?? DEFAULT_MAX_ATTEMPTS - 1) + 1,
    // Standard: exponential backoff with jitter, longer for throttling errors (RequestLimitExceeded).
    retryMode: "standard",
  } as const;
}

function endpointFor(service: "EC2" | "SSM" | "STS", custom?: string): string | undefined {
  return custom ?? process.env[`AWS_ENDPOINT_URL_${service}`] ?? process.env.AWS_ENDPOINT_URL ?? undefined;
}

function announce<T extends AnyClient>(client: T, region: string): T {
  for (const hook of hooks) hook(client, region);
  return client;
}

export function ec2Client(access: AwsAccess, region = access.region): EC2Client {
  return announce(
    new EC2Client({ ...common(access, region), endpoint: endpointFor("EC2", access.custom_endpoint_ec2) }),
    region,
  );
}

export function ssmClient(access: AwsAccess, region = access.region, endpoint?: string): SSMClient {
  return announce(new SSMClient({ ...common(access, region), endpoint: endpointFor("SSM", endpoint) }), region);
}

export function stsClient(access: AwsAccess, region = access.region, endpoint?: string): STSClient {
  return announce(new STSClient({ ...common(access, region), endpoint: endpointFor("STS", endpoint) }), region);
}

/** One EC2 client per region, made on first use; `destroy` closes their connections. */
export class Ec2Clients {
  private readonly clients = new Map<string, EC2Client>();
  constructor(readonly access: AwsAccess) {}

  get(region: string = this.access.region): EC2Client {
    let client = this.clients.get(region);
    if (!client) {
      client = ec2Client(this.access, region);
      this.clients.set(region, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

/** Picks the access fields out of a (possibly unvalidated) config, e.g. the one handed to `destroy`. */
export function accessFrom(config: unknown, fallbackRegion?: string): AwsAccess {
  const c = (typeof config === "object" && config !== null ? config : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof c[k] === "string" && c[k] !== "" ? (c[k] as string) : undefined);
  const region = str("region") ?? fallbackRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region)
    throw new KilnError("VALUE_MISSING", "no AWS region: set region in the config or AWS_REGION", {
      context: { property: "region" },
    });
  return {
    region,
    access_key: str("access_key"),
    secret_key: str("secret_key"),
    token: str("token"),
    profile: str("profile"),
    custom_endpoint_ec2: str("custom_endpoint_ec2"),
    max_retries: typeof c.max_retries === "number" ? c.max_retries : undefined,
  };
}
