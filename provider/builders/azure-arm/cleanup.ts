import { errorMessage, resourcesLeft } from "../../engine/errors";
import type { BuildReporter } from "../../engine/events";
import { deleteIfPresent, parseArmId } from "./arm";
import { AzureClients, accessFrom } from "./clients";
import { BUILD_ID_TAG, tagFilter } from "./tags";

/** What `cleanupAzureLeftovers` removed, by kind. */
export type AzureLeftoverReport = {
  virtualMachines: string[];
  images: string[];
  galleryImageVersions: string[];
  networkInterfaces: string[];
  publicIps: string[];
  virtualNetworks: string[];
  disks: string[];
  resourceGroups: string[];
};

export interface AzureCleanupOptions {
  /** The `kiln:build-id` tag value of the build that was killed. */
  readonly buildId: string;
  /** Credential and subscription fields (`subscription_id`, `client_id`…); the standard chain if absent. */
  readonly config?: unknown;
  readonly signal: AbortSignal;
  readonly reporter?: Pick<BuildReporter, "info" | "warn">;
}

type Kind = Exclude<keyof AzureLeftoverReport, "resourceGroups">;

/** Resource types a build creates, in the order they can be deleted (users before what they use). */
const ORDER: readonly [string, Kind][] = [
  ["microsoft.compute/virtualmachines", "virtualMachines"],
  ["microsoft.compute/galleries/images/versions", "galleryImageVersions"],
  ["microsoft.compute/images", "images"],
  ["microsoft.network/networkinterfaces", "networkInterfaces"],
  ["microsoft.network/publicipaddresses", "publicIps"],
  ["microsoft.network/virtualnetworks", "virtualNetworks"],
  ["microsoft.compute/disks", "disks"],
];

/**
 * Removes what a build killed outright (SIGKILL, a lost machine) left in a subscription, found by its
 * `kiln:build-id` tag: VMs first, then images and gallery versions, NICs, public IPs, virtual networks,
 * disks, and finally its temporary resource groups (with anything left in them). Can be repeated.
 * Every image of the build goes, finished or not: a killed build handed no artifact to anyone.
 */
export async function cleanupAzureLeftovers(options: AzureCleanupOptions): Promise<AzureLeftoverReport> {
  const { buildId, signal, reporter } = options;
  const clients = new AzureClients(accessFrom(options.config));
  const report: AzureLeftoverReport = {
    virtualMachines: [],
    images: [],
    galleryImageVersions: [],
    networkInterfaces: [],
    publicIps: [],
    virtualNetworks: [],
    disks: [],
    resourceGroups: [],
  };
  const errors: unknown[] = [];
  const filter = tagFilter(BUILD_ID_TAG, buildId);

  const tagged: { id: string; type: string }[] = [];
  for await (const r of clients.resources.resources.list({ filter, abortSignal: signal })) {
    if (r.id && r.type) tagged.push({ id: r.id, type: r.type.toLowerCase() });
  }
  for (const [type, kind] of ORDER) {
    for (const { id } of tagged.filter((r) => r.type === type)) {
      try {
        await deleteIfPresent(clients, id, (o) => deleteById(clients, kind, id, o), signal);
        report[kind].push(id);
        reporter?.info(`removed ${id}`);
      } catch (error) {
        errors.push(error);
        reporter?.warn(errorMessage(error));
      }
    }
  }
  for await (const group of clients.resources.resourceGroups.list({ filter, abortSignal: signal })) {
    const name = group.name as string;
    try {
      await deleteIfPresent(
        clients,
        `resource group ${name}`,
        (o) => clients.resources.resourceGroups.delete(name, o),
        signal,
      );
      report.resourceGroups.push(name);
      reporter?.info(`removed resource group ${name}`);
    } catch (error) {
      errors.push(error);
      reporter?.warn(errorMessage(error));
    }
  }
  if (errors.length) {
    throw resourcesLeft(
      `cleanup of build ${buildId} in subscription ${clients.subscriptionId} is incomplete (${errors.length} error(s))`,
      errors,
    );
  }
  return report;
}

function deleteById(
  clients: AzureClients,
  kind: Kind,
  id: string,
  o: { abortSignal: AbortSignal; updateIntervalInMs?: number },
) {
  const { subscriptionId, resourceGroup: g, names } = parseArmId(id);
  const [a, b, c] = names as [string, string, string];
  const compute = clients.computeIn(subscriptionId);
  switch (kind) {
    case "virtualMachines":
      return compute.virtualMachines.delete(g, a, o);
    case "galleryImageVersions":
      return compute.galleryImageVersions.delete(g, a, b, c, o);
    case "images":
      return compute.images.delete(g, a, o);
    case "disks":
      return compute.disks.delete(g, a, o);
    case "networkInterfaces":
      return clients.network.networkInterfaces.delete(g, a, o);
    case "publicIps":
      return clients.network.publicIPAddresses.delete(g, a, o);
    case "virtualNetworks":
      return clients.network.virtualNetworks.delete(g, a, o);
  }
}
