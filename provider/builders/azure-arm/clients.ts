import { readFileSync } from "node:fs";
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { GetTokenOptions, TokenCredential } from "@azure/core-auth";
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
} from "@azure/identity";
import { raceAbort } from "../../engine/abort";
import { KilnError } from "../../engine/errors";
import { parseDuration } from "../../util/duration";
import type { AzureArmConfig } from "./config";

/** The fields credentials and clients are made from. */
export type AzureAccess = Pick<
  AzureArmConfig,
  "subscription_id" | "client_id" | "client_secret" | "client_cert_path" | "tenant_id" | "use_azure_cli_auth"
>;

/**
 * Where ARM is, for sovereign clouds, private endpoints and the test double: `KILN_AZURE_ENDPOINT` (the
 * Resource Manager URL), `KILN_AZURE_CA_FILE` (a PEM CA it is signed by, trusted in place of the public
 * ones), `KILN_AZURE_POLL_INTERVAL` (Go duration between polls of a long-running operation when ARM
 * sends no Retry-After), and the identity library's own `AZURE_AUTHORITY_HOST`.
 */
export function azureEndpointSettings(env: NodeJS.ProcessEnv = process.env) {
  const endpoint = env.KILN_AZURE_ENDPOINT || undefined;
  const ca = env.KILN_AZURE_CA_FILE ? readFileSync(env.KILN_AZURE_CA_FILE, "utf8") : undefined;
  return {
    endpoint,
    tlsOptions: ca ? { ca } : undefined,
    pollIntervalMs: env.KILN_AZURE_POLL_INTERVAL ? parseDuration(env.KILN_AZURE_POLL_INTERVAL) : undefined,
    // Entra ID's instance discovery knows only Microsoft's hosts: skip it for a custom authority.
    disableInstanceDiscovery: env.AZURE_AUTHORITY_HOST !== undefined && endpoint !== undefined,
  };
}

/**
 * Packer's choice of credential: service principal with a secret or a certificate; the Azure CLI's login
 * with `use_azure_cli_auth`; a user-assigned managed identity when only `client_id` is given; otherwise
 * the standard chain (environment, workload identity, managed identity, Azure CLI, …).
 */
export function azureCredential(access: AzureAccess, env: NodeJS.ProcessEnv = process.env): AbortableCredential {
  return new AbortableCredential(chooseCredential(access, env));
}

/**
 * The SDK hands a request's abort signal to `getToken`, but Entra ID's client does not stop its own
 * requests: without the race a cancel during a token refresh would wait for Entra ID to answer.
 */
export class AbortableCredential implements TokenCredential {
  constructor(private readonly inner: TokenCredential) {}
  /** The credential's kind, for messages: `ClientSecretCredential`, `DefaultAzureCredential`… */
  get name(): string {
    return this.inner.constructor.name;
  }
  getToken(scopes: string | string[], options?: GetTokenOptions) {
    // The SDK passes a real AbortSignal; core-auth types it structurally.
    return raceAbort(this.inner.getToken(scopes, options), options?.abortSignal as AbortSignal | undefined);
  }
}

function chooseCredential(access: AzureAccess, env: NodeJS.ProcessEnv): TokenCredential {
  const settings = azureEndpointSettings(env);
  const options = {
    tlsOptions: settings.tlsOptions,
    disableInstanceDiscovery: settings.disableInstanceDiscovery,
  };
  const tenant = access.tenant_id ?? env.AZURE_TENANT_ID;
  if (access.client_id && (access.client_secret || access.client_cert_path)) {
    if (!tenant)
      throw new KilnError("VALUE_MISSING", "tenant_id (or AZURE_TENANT_ID) is required with a service principal", {
        context: { property: "tenant_id" },
      });
    return access.client_secret
      ? new ClientSecretCredential(tenant, access.client_id, access.client_secret, options)
      : new ClientCertificateCredential(
          tenant,
          access.client_id,
          { certificatePath: access.client_cert_path as string },
          options,
        );
  }
  if (access.use_azure_cli_auth) return new AzureCliCredential(tenant ? { tenantId: tenant } : {});
  if (access.client_id) return new ManagedIdentityCredential({ clientId: access.client_id });
  return new DefaultAzureCredential({ ...options, ...(tenant ? { tenantId: tenant } : {}) });
}

/** The subscription to work in: the config's, else AZURE_SUBSCRIPTION_ID. */
export function subscriptionOf(access: AzureAccess, env: NodeJS.ProcessEnv = process.env): string {
  const subscription = access.subscription_id ?? env.AZURE_SUBSCRIPTION_ID;
  if (!subscription)
    throw new KilnError("VALUE_MISSING", "no Azure subscription: set subscription_id or AZURE_SUBSCRIPTION_ID", {
      context: { property: "subscription_id" },
    });
  return subscription;
}

/** The three ARM clients of one subscription, sharing one credential (and its token cache). */
export class AzureClients {
  readonly subscriptionId: string;
  readonly credential: AbortableCredential;
  readonly compute: ComputeManagementClient;
  readonly network: NetworkManagementClient;
  readonly resources: ResourceManagementClient;
  /** Between polls of a long-running operation when ARM does not say (Retry-After). */
  readonly pollIntervalMs?: number;
  private readonly others = new Map<string, ComputeManagementClient>();
  private readonly options: { endpoint?: string; tlsOptions?: { ca: string } };

  constructor(access: AzureAccess, env: NodeJS.ProcessEnv = process.env) {
    const settings = azureEndpointSettings(env);
    this.subscriptionId = subscriptionOf(access, env);
    this.credential = azureCredential(access, env);
    this.pollIntervalMs = settings.pollIntervalMs;
    this.options = { endpoint: settings.endpoint, tlsOptions: settings.tlsOptions };
    this.compute = new ComputeManagementClient(this.credential, this.subscriptionId, this.options);
    this.network = new NetworkManagementClient(this.credential, this.subscriptionId, this.options);
    this.resources = new ResourceManagementClient(this.credential, this.subscriptionId, this.options);
  }

  /** A compute client for another subscription (a gallery shared from elsewhere). */
  computeIn(subscriptionId: string | undefined): ComputeManagementClient {
    if (!subscriptionId || subscriptionId === this.subscriptionId) return this.compute;
    let client = this.others.get(subscriptionId);
    if (!client) {
      client = new ComputeManagementClient(this.credential, subscriptionId, this.options);
      this.others.set(subscriptionId, client);
    }
    return client;
  }
}

/** Picks the access fields out of a (possibly unvalidated) config, e.g. the one handed to `destroy`. */
export function accessFrom(config: unknown): AzureAccess {
  const c = (typeof config === "object" && config !== null ? config : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof c[k] === "string" && c[k] !== "" ? (c[k] as string) : undefined);
  return {
    subscription_id: str("subscription_id"),
    client_id: str("client_id"),
    client_secret: str("client_secret"),
    client_cert_path: str("client_cert_path"),
    tenant_id: str("tenant_id"),
    use_azure_cli_auth: c.use_azure_cli_auth === true ? true : undefined,
  };
}
