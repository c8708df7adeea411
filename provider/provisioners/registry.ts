import { lazyRegistry } from "../util/lazy-registry";
import { fileProvisioner } from "./file";
import { shellProvisioner } from "./shell";
import { shellLocalProvisioner } from "./shell-local-provisioner";
import type { Provisioner } from "./types";

// biome-ignore lint/suspicious/noExplicitAny: each provisioner has its own config type
type AnyProvisioner = Provisioner<any>;

/** Provisioners by Packer type name. */
export const provisioners = lazyRegistry<AnyProvisioner>({
  shell: () => shellProvisioner,
  file: () => fileProvisioner,
  "shell-local": () => shellLocalProvisioner,
});
