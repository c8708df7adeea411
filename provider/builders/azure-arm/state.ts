import type { ImageReference } from "@azure/arm-compute";
import type { BuilderRun } from "../../engine/context";
import { KilnError } from "../../engine/errors";
import type { TypedStep } from "../../engine/typed-step";
import type { AzureClients } from "./clients";
import type { AzureArmConfig } from "./config";
import type { TempNames } from "./names";

/**
 * What the azure-arm steps create and read; each field is written by one step. Temporary resources have
 * names fixed before their create call (`names`), so a cleanup deletes by name whether or not the
 * create's reply arrived; `…Attempted` says the call was sent.
 */
export interface AzureState {
  readonly clients: AzureClients;
  readonly names: TempNames;
  /** `azure_tags` + the build ID, on everything the build creates. */
  readonly tags: Record<string, string>;
  /** The build group: temporary (deleted whole in cleanup) or `build_resource_group_name` (kept). */
  group?: { readonly name: string; readonly temporary: boolean; attempted: boolean };
  /** Canonical location of the VM and the managed image. */
  location?: string;
  /** What the VM boots from (source image step). */
  imageReference?: ImageReference;
  /** Subnet the NIC joins; `vnetAttempted` when the build creates its own network. */
  subnetId?: string;
  vnetAttempted?: boolean;
  publicIpAttempted?: boolean;
  /** The VM's public IP: none on an existing network without `private_virtual_network_with_public_ip`. */
  publicIp?: Created;
  nicAttempted?: boolean;
  nicId?: string;
  /** The admin key the VM is made with (ssh key step): none with `communicator = "none"`. */
  sshKey?: AdminKey;
  vmAttempted?: boolean;
  vmId?: string;
  managedImageAttempted?: boolean;
  /** Made only with `managed_image_name`. */
  managedImage?: Created;
  galleryVersionAttempted?: boolean;
  /** Made only with `shared_image_gallery_destination`. */
  galleryVersion?: Created;
}

/** A resource the config may or may not ask for: a step that ran says which, so no later step guesses. */
export type Created = { readonly created: false } | { readonly created: true; readonly id: string };

export const NOT_CREATED: Created = { created: false };

/** The VM's admin SSH key: the public half goes into the VM; the private half when Kiln made the pair. */
export type AdminKey =
  | { readonly kind: "none" }
  | { readonly kind: "key"; readonly publicKey: string; readonly privateKey?: string };

export type AzureRun = BuilderRun<AzureArmConfig, AzureState>;
/** An azure-arm step declaring the state fields it needs (present in its `run`) and provides. */
export type AzureTypedStep<N extends keyof AzureState = never, P extends keyof AzureState = never> = TypedStep<
  AzureRun,
  N,
  P
>;
/** Fields `newState` sets: every step may read them. */
export type AzureInitialFields = "clients" | "names" | "tags";

/** The build group's name; steps after the resource-group step may rely on it. */
export function groupName(state: AzureState): string {
  if (!state.group) throw new KilnError("STEP_ORDER", "no build resource group (the resource-group step did not run)");
  return state.group.name;
}

/** Whether a temporary resource is removed with the temporary group (so its own cleanup can skip it). */
export function goesWithGroup(state: AzureState): boolean {
  return state.group?.temporary === true;
}
