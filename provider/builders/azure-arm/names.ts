import type { AzureArmConfig } from "./config";

export interface TempNames {
  readonly group: string;
  readonly vm: string;
  readonly nic: string;
  readonly publicIp: string;
  readonly vnet: string;
  readonly subnet: string;
  readonly osDisk: string;
}

/**
 * Names of the temporary resources, derived from the build ID so they are unique in a shared
 * `build_resource_group_name` and known before any create call: a cleanup can delete by name even
 * when a create's reply was lost.
 */
export function tempNames(
  config: Pick<AzureArmConfig, "temp_compute_name" | "temp_resource_group_name">,
  buildId: string,
): TempNames {
  const suffix = buildId.replace(/^kiln-/, "");
  const vm = config.temp_compute_name ?? `kilnvm${suffix}`;
  return {
    group: config.temp_resource_group_name ?? `kiln-rg-${suffix}`,
    vm,
    nic: `${vm}-nic`,
    publicIp: `${vm}-ip`,
    vnet: `${vm}-vnet`,
    subnet: `${vm}-subnet`,
    osDisk: `${vm}-osdisk`,
  };
}
