import type { SourceLocation } from "../engine/errors";

/**
 * The typed build definition programs hand to `build()`, and what the template loader produces from
 * `.pkr.hcl` files. Field names inside `config` are Packer's (snake_case), so its documentation applies.
 */
export interface BuildSpec {
  /** The `build` block's name (Packer's `build.name`); prefixes build names in output when set. */
  readonly name?: string;
  /** One build runs per source, in parallel. */
  readonly sources: readonly SourceSpec[];
  readonly provisioners?: readonly ProvisionerSpec[];
  /** Runs on the machine when a build fails, before cleanup (Packer's `error-cleanup-provisioner`). */
  readonly errorCleanupProvisioner?: ProvisionerSpec;
  /** Each inner list is a chain (`post-processors` block); a lone `post-processor` is a chain of one. */
  readonly postProcessors?: readonly (readonly PostProcessorSpec[])[];
  /** Directory relative paths resolve against (the template's directory). @default process.cwd() */
  readonly baseDir?: string;
  /** Values that must never appear in output, manifests or state: sensitive variables, passwords, keys. */
  readonly sensitiveValues?: readonly string[];
  readonly where?: SourceLocation;
}

/** Template positions of a block and of each of its attributes, for errors that name file and line. */
export interface Located {
  readonly where?: SourceLocation;
  /** Attribute name → where it was written. */
  readonly fieldLocations?: Readonly<Record<string, SourceLocation>>;
}

export interface SourceSpec extends Located {
  /** Builder type: `null`, `amazon-ebs`, `azure-arm`, `qemu`. */
  readonly type: string;
  readonly name: string;
  /** Builder and communicator fields (`ami_name`, `ssh_username`…), validated by the builder. */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface ProvisionerSpec extends Located {
  /** `shell`, `file`, `shell-local`. */
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Run only for these sources (`type.name` or `name`). */
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  /** Go duration or seconds. */
  readonly pause_before?: string | number;
  /** Retries after a failure, immediately. @default 0 */
  readonly max_retries?: number;
  /** Go duration or seconds; the provisioner is cancelled when it runs out. */
  readonly timeout?: string | number;
}

export interface PostProcessorSpec extends Located {
  /** `manifest`, `checksum`, `shell-local`. */
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  /** Keep the artifact this post-processor consumed. @default true for Kiln's post-processors */
  readonly keep_input_artifact?: boolean;
}
