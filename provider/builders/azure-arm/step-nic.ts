import { createdId, deleteIfPresent, longRunning } from "./arm";
import { type AzureTypedStep, goesWithGroup, groupName } from "./state";

/** The VM's temporary network interface on the subnet, with the public IP if there is one. */
export const nicStep: AzureTypedStep<"group" | "location" | "subnetId" | "publicIp", "nicId"> = {
  name: "azure-arm: network interface",
  needs: ["group", "location", "subnetId", "publicIp"],
  provides: ["nicId"],
  async run({ ctx, config, state }, signal) {
    const name = state.names.nic;
    state.nicAttempted = true;
    const nic = await longRunning(
      state.clients,
      `creating network interface ${name}`,
      config.polling_duration_timeout,
      signal,
      (o) =>
        state.clients.network.networkInterfaces.createOrUpdate(
          state.group.name,
          name,
          {
            location: state.location,
            tags: state.tags,
            ipConfigurations: [
              {
                name: "ipconfig",
                subnet: { id: state.subnetId },
                privateIPAllocationMethod: "Dynamic",
                publicIPAddress: state.publicIp.created ? { id: state.publicIp.id } : undefined,
              },
            ],
          },
          o,
        ),
    );
    state.nicId = createdId(nic, `network interface ${name}`);
    ctx.reporter.info(`created network interface ${name}`);
  },
  async cleanup({ ctx, state }) {
    if (!state.nicAttempted || goesWithGroup(state)) return;
    const name = state.names.nic;
    await deleteIfPresent(state.clients, `network interface ${name}`, (o) =>
      state.clients.network.networkInterfaces.delete(groupName(state), name, o),
    );
    state.nicAttempted = false;
    ctx.reporter.info(`deleted network interface ${name}`);
  },
};
