import { KilnError } from "../../engine/errors";
import type { Having } from "../../engine/typed-step";
import { createdId, deleteIfPresent, longRunning } from "./arm";
import type { AzureArmConfig } from "./config";
import { DEFAULT_VM_SIZE } from "./config";
import { type AzureState, type AzureTypedStep, goesWithGroup, groupName } from "./state";

/**
 * Creates the build VM from the source image with the admin SSH key, waits until it is provisioned and
 * tells the engine where to connect (its public IP, else its private IP). Cleanup deletes the VM and its
 * OS disk, then the NIC can go.
 */
type VmNeeds = "group" | "location" | "imageReference" | "nicId" | "sshKey" | "publicIp";

export const virtualMachineStep: AzureTypedStep<VmNeeds, "vmId"> = {
  name: "azure-arm: virtual machine",
  needs: ["group", "location", "imageReference", "nicId", "sshKey", "publicIp"],
  provides: ["vmId"],
  async run({ ctx, config, state }, signal) {
    const name = state.names.vm;
    state.vmAttempted = true;
    const vm = await longRunning(
      state.clients,
      `creating virtual machine ${name}`,
      config.polling_duration_timeout,
      signal,
      (o) =>
        state.clients.compute.virtualMachines.createOrUpdate(state.group.name, name, vmDefinition(config, state), o),
    );
    state.vmId = createdId(vm, `virtual machine ${name}`);
    const host = await addressOf(config, state, signal);
    if (!host && !config.ssh_host && config.communicator !== "none") {
      throw new KilnError(
        "MACHINE_UNREACHABLE",
        `virtual machine ${name} has no address; set ssh_host or private_virtual_network_with_public_ip`,
        { context: { resource: name } },
      );
    }
    ctx.machine = {
      host: host ?? "",
      port: config.ssh_port ?? 22,
      privateKey: state.sshKey.kind === "key" ? state.sshKey.privateKey : undefined,
      id: vm.vmId ?? name,
    };
    ctx.reporter.info(
      `virtual machine ${name} (${config.vm_size ?? DEFAULT_VM_SIZE}) is running at ${host ?? "(no address)"}`,
    );
  },
  async cleanup({ ctx, state }) {
    if (!state.vmAttempted || goesWithGroup(state)) return;
    const { vm, osDisk } = state.names;
    const group = groupName(state);
    await deleteIfPresent(state.clients, `virtual machine ${vm}`, (o) =>
      state.clients.compute.virtualMachines.delete(group, vm, o),
    );
    // The disk goes with the VM (deleteOption); a VM whose create failed half-way may have left it alone.
    await deleteIfPresent(state.clients, `OS disk ${osDisk}`, (o) =>
      state.clients.compute.disks.delete(group, osDisk, o),
    );
    state.vmAttempted = false;
    ctx.reporter.info(`deleted virtual machine ${vm} and its OS disk`);
  },
};

function vmDefinition(config: AzureArmConfig, state: Having<AzureState, VmNeeds>) {
  const user = config.ssh_username;
  return {
    location: state.location,
    tags: state.tags,
    hardwareProfile: { vmSize: config.vm_size ?? DEFAULT_VM_SIZE },
    storageProfile: {
      imageReference: state.imageReference,
      osDisk: {
        name: state.names.osDisk,
        osType: "Linux" as const,
        createOption: "FromImage" as const,
        caching: "ReadWrite" as const,
        diskSizeGB: config.os_disk_size_gb,
        managedDisk: { storageAccountType: "Standard_LRS" as const },
        deleteOption: "Delete" as const,
      },
    },
    osProfile: {
      computerName: state.names.vm,
      adminUsername: user,
      linuxConfiguration: {
        disablePasswordAuthentication: true,
        ssh:
          state.sshKey.kind === "key"
            ? { publicKeys: [{ path: `/home/${user}/.ssh/authorized_keys`, keyData: state.sshKey.publicKey }] }
            : undefined,
      },
    },
    networkProfile: { networkInterfaces: [{ id: state.nicId, primary: true, deleteOption: "Detach" as const }] },
  };
}

/** The public IP when the build made one, else the NIC's private address. */
async function addressOf(
  config: AzureArmConfig,
  state: Having<AzureState, "group" | "publicIp">,
  signal: AbortSignal,
): Promise<string | undefined> {
  const { network } = state.clients;
  if (state.publicIp.created) {
    const ip = await network.publicIPAddresses.get(state.group.name, state.names.publicIp, { abortSignal: signal });
    if (ip.ipAddress) return ip.ipAddress;
  }
  if (config.communicator === "none") return undefined;
  const nic = await network.networkInterfaces.get(state.group.name, state.names.nic, { abortSignal: signal });
  return nic.ipConfigurations?.[0]?.privateIPAddress;
}
