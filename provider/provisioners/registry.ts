import { type Registry, staticRegistry } from "../util/lazy-registry";
import { fileProvisioner } from "./file";
import { shellProvisioner } from "./shell";
import { shellLocalProvisioner } from "./shell-local-provisioner";
import { eagerProvisioner, type ProvisionerDescriptor } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each provisioner has its own config type
type AnyProvisionerDescriptor = ProvisionerDescriptor<any>;

/**
 * Every provisioner, by Packer type name: adding one is its module (a descriptor) and one line here,
 * then `make generate`. The engine, the spec checks and the generator read only this.
 */
export const PROVISIONERS = {
  shell: eagerProvisioner(shellProvisioner),
  file: eagerProvisioner(fileProvisioner),
  "shell-local": eagerProvisioner(shellLocalProvisioner),
} as const satisfies Record<string, AnyProvisionerDescriptor>;

export type ProvisionerType = keyof typeof PROVISIONERS;

/** The provisioners' descriptors, by type: the engine loads one's runtime when a build runs it. */
export const provisioners: Registry<AnyProvisionerDescriptor, ProvisionerType> = staticRegistry(PROVISIONERS);
