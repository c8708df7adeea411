import { deleteIfPresent, longRunning } from "./arm";
import { usesExistingNetwork } from "./config";
import { type AzureTypedStep, goesWithGroup, groupName } from "./state";

/**
 * A temporary static public IP for SSH, deleted in cleanup. None on an existing network unless
 * `private_virtual_network_with_public_ip` (Packer: the VM is then reached on its private address).
 */
export const publicIpStep: AzureTypedStep = {
  name: "azure-arm: public IP",
  needs: [],
  provides: [],
  async run({ ctx, config, state }, signal) {
    if (usesExistingNetwork(config) && !config.private_virtual_network_with_public_ip) return;
    const name = state.names.publicIp;
    state.publicIpAttempted = true;
    const ip = await longRunning(
      state.clients,
      `creating public IP ${name}`,
      config.polling_duration_timeout,
      signal,
      (o) =>
        state.clients.network.publicIPAddresses.createOrUpdate(
          groupName(state),
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
    state.publicIpId = ip.id;
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
