import { longRunning } from "./arm";
import type { AzureTypedStep } from "./state";

/**
 * Deallocates the VM and marks it generalized, as Packer does before a capture. Deprovisioning inside
 * the VM (`waagent -force -deprovision+user`) is the user's last provisioner, as in Packer.
 */
export const generalizeStep: AzureTypedStep<"group" | "vmId"> = {
  name: "azure-arm: deallocate and generalize",
  needs: ["group", "vmId"],
  provides: [],
  async run({ ctx, config, state }, signal) {
    const { vm } = state.names;
    const group = state.group.name;
    await longRunning(state.clients, `deallocating ${vm}`, config.polling_duration_timeout, signal, (o) =>
      state.clients.compute.virtualMachines.deallocate(group, vm, o),
    );
    await state.clients.compute.virtualMachines.generalize(group, vm, { abortSignal: signal });
    ctx.reporter.info(`deallocated and generalized ${vm}`);
  },
};
