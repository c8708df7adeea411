import { createdId, deleteIfPresent, longRunning } from "./arm";
import { networkOf } from "./choices";
import { type AzureTypedStep, goesWithGroup, groupName, NOT_CREATED } from "./state";

/**
 * A temporary static public IP for SSH, deleted in cleanup. None on an existing network unless
 * `private_virtual_network_with_public_ip` (Packer: the VM is then reached on its private address).
 */
export const publicIpStep: AzureTypedStep<"group" | "location", "publicIp"> = {
  name: "azure-arm: public IP",
  needs: ["group", "location"],
  provides: ["publicIp"],
  async run({ ctx, config, state }, signal) {
    if (networkOf(config).kind === "existing" && !config.private_virtual_network_with_public_ip) {
      state.publicIp = NOT_CREATED;
      return;
    }
    const name = state.names.publicIp;
    state.publicIpAttempted = true;
    const ip = await longRunning(
      state.clients,
      `creating public IP ${name}`,
      config.polling_duration_timeout,
      signal,
      (o) =>
        state.clients.network.publicIPAddresses.createOrUpdate(
          state.group.name,
          name,
          {
            location: state.location,
            tags: state.tags,
            sku: { name: "Standard" },
            publicIPAllocationMethod: "Static",
          },
          o,
        ),
    );
    state.publicIp = { created: true, id: createdId(ip, `public IP ${name}`) };
    ctx.reporter.info(`created public IP ${name} (${ip.ipAddress ?? "address pending"})`);
  },
  async cleanup({ ctx, state }) {
    if (!state.publicIpAttempted || goesWithGroup(state)) return;
    const name = state.names.publicIp;
    await deleteIfPresent(state.clients, `public IP ${name}`, (o) =>
      state.clients.network.publicIPAddresses.delete(groupName(state), name, o),
    );
    state.publicIpAttempted = false;
    ctx.reporter.info(`deleted public IP ${name}`);
  },
};
