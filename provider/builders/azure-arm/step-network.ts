import { KilnError, notFound } from "../../engine/errors";
import { createdId, deleteIfPresent, isNotFound, longRunning } from "./arm";
import { networkOf } from "./choices";
import { type AzureTypedStep, goesWithGroup, groupName } from "./state";

/**
 * The subnet the VM joins: the existing `virtual_network_name`/`virtual_network_subnet_name` (looked up,
 * never changed), or a temporary virtual network with one subnet, deleted in cleanup.
 */
export const networkStep: AzureTypedStep<"group" | "location", "subnetId"> = {
  name: "azure-arm: network",
  needs: ["group", "location"],
  provides: ["subnetId"],
  async run({ ctx, config, state }, signal) {
    const { network } = state.clients;
    const choice = networkOf(config);
    if (choice.kind === "existing") {
      const group = choice.group ?? state.group.name;
      const { vnet, subnet } = choice;
      try {
        const found = await network.subnets.get(group, vnet, subnet, { abortSignal: signal });
        state.subnetId = createdId(found, `subnet ${vnet}/${subnet}`);
      } catch (error) {
        if (isNotFound(error)) {
          throw notFound(
            `virtual_network_subnet_name: subnet ${vnet}/${subnet} in '${group}' was not found`,
            { property: "virtual_network_subnet_name", resource: `${vnet}/${subnet}` },
            error,
          );
        }
        throw error;
      }
      ctx.reporter.info(`using subnet ${vnet}/${subnet} of resource group ${group}`);
      return;
    }
    const { vnet, subnet } = state.names;
    state.vnetAttempted = true;
    const created = await longRunning(
      state.clients,
      `creating virtual network ${vnet}`,
      config.polling_duration_timeout,
      signal,
      (o) =>
        network.virtualNetworks.createOrUpdate(
          state.group.name,
          vnet,
          {
            location: state.location,
            tags: state.tags,
            addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
            subnets: [{ name: subnet, addressPrefix: "10.0.0.0/24" }],
          },
          o,
        ),
    );
    state.subnetId = created.subnets?.find((s) => s.name === subnet)?.id;
    if (!state.subnetId)
      throw new KilnError("AZURE_REPLY_INCOMPLETE", `virtual network ${vnet} was created without subnet ${subnet}`);
    ctx.reporter.info(`created virtual network ${vnet} with subnet ${subnet}`);
  },
  async cleanup({ ctx, state }) {
    if (!state.vnetAttempted || goesWithGroup(state)) return;
    const { vnet } = state.names;
    await deleteIfPresent(state.clients, `virtual network ${vnet}`, (o) =>
      state.clients.network.virtualNetworks.delete(groupName(state), vnet, o),
    );
    state.vnetAttempted = false;
    ctx.reporter.info(`deleted virtual network ${vnet}`);
  },
};
