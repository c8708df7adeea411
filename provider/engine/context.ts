import type { Communicator, SshSessionMode } from "../communicator/types";
import type { Artifact } from "./artifact";
import type { BuildReporter } from "./events";

/** How to reach the machine a builder started; the communicator's `ssh_host`/`ssh_port` override it. */
export interface MachineAccess {
  readonly host: string;
  readonly port?: number;
  /** A temporary private key the builder generated (e.g. an EC2 key pair), PEM/OpenSSH text. */
  readonly privateKey?: string;
  /** Instance or VM identifier, for messages and `build.ID`. */
  readonly id?: string;
}

/**
 * Everything one build (one source) shares across its steps. Builder-specific state lives in the
 * builder's own typed state object, not here.
 */
export interface BuildContext {
  /** `type.name` of the source, e.g. `amazon-ebs.web`; prefixed with the build block name when it has one. */
  readonly buildName: string;
  readonly sourceName: string;
  readonly builderType: string;
  /** Unique per build run; tags every temporary cloud resource so `kiln cleanup` can find leftovers. */
  readonly buildId: string;
  /** Packer's `packer_run_uuid`: one per `kiln build` invocation, shared by its parallel builds. */
  readonly runUuid: string;
  /**
   * Content fingerprint of the build's inputs (spec + bytes of every uploaded or executed file). Computed
   * for builders that can reuse an artifact (`findExisting`); empty for the others.
   */
  readonly fingerprint: string;
  /** Directory relative paths in the build resolve against (the template's directory). */
  readonly baseDir: string;
  readonly reporter: BuildReporter;
  readonly redact: (text: string) => string;
  /** Rebuild even when an artifact with this fingerprint exists (`--force`). */
  readonly force: boolean;
  /** How the communicator runs SSH commands (BuildOptions.sshSession). @default "agent" */
  readonly sshSession?: SshSessionMode;
  /** Builder-generated values exposed to provisioners as `build.<Key>` (Host, Port, User, SourceAMI…). */
  readonly generated: Record<string, string>;
  machine?: MachineAccess;
  communicator?: Communicator;
  artifact?: Artifact;
}

/** The state each builder step sees: the shared context, the validated config, the builder's own state. */
export interface BuilderRun<C, S> {
  readonly ctx: BuildContext;
  readonly config: C;
  readonly state: S;
}
