import type * as pulumi from "@pulumi/pulumi";
import type { InlineBuilderArgs, PostProcessorArgs, ProvisionerArgs } from "../generated/pulumi-args";

export type * from "../generated/pulumi-args";
export type { PostProcessorCommonArgs, ProvisionerCommonArgs } from "./common-args";

/**
 * Arguments of a `BakedImage`; the plugins' argument types are generated from their schemas
 * (provider/generated/pulumi-args.ts, `make generate`). Two forms:
 * - inline: a builder block (`amazonEbs`) with `provisioners` and `postProcessors`, written in camelCase
 *   (Packer's `ami_name` is `amiName`; Packer's snake_case names are accepted too);
 * - template: `template: "./web.pkr.hcl"` with `vars`, `only` and `except`, as `packer build` takes them.
 *
 * Every value may be a Pulumi `Input`; values wrapped in `pulumi.secret` (passwords, keys, sensitive
 * variables) are redacted from build output and kept secret in state.
 */
export interface BakedImageArgs extends InlineBuilderArgs {
  /**
   * The source's name, as in `source "amazon-ebs" "<name>"`: the build is called `amazon-ebs.<name>`,
   * provisioners see it as `PACKER_BUILD_NAME`. @default - the resource's name
   */
  readonly sourceName?: pulumi.Input<string>;
  /** Run in order on the build machine: `{ type: "shell", inline: [...] }`, `{ type: "file", ... }`. */
  readonly provisioners?: pulumi.Input<pulumi.Input<ProvisionerArgs>[]>;
  /** Runs on the machine when the build fails, before it is torn down (Packer's `error-cleanup-provisioner`). */
  readonly errorCleanupProvisioner?: pulumi.Input<ProvisionerArgs>;
  /** Run after the image is made. An inner list is a chain (Packer's `post-processors` block). */
  readonly postProcessors?: pulumi.Input<pulumi.Input<PostProcessorArgs | PostProcessorArgs[]>[]>;
  /**
   * Tags on the image and its snapshots in every region, under the builder's own `tags`/`snapshotTags`
   * (which win on the same key). Changing them re-tags the existing image in place.
   */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;

  /** A Packer template (`.pkr.hcl`, `.pkr.json`, or a directory of them) to build instead of `amazonEbs`. */
  readonly template?: pulumi.Input<string>;
  /** Template variables, as `-var name=value`. Wrap sensitive ones in `pulumi.secret`. */
  readonly vars?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Variable files (`*.pkrvars.hcl`), as `-var-file`; later files win. */
  readonly varFiles?: pulumi.Input<pulumi.Input<string>[]>;
  /** Build only these sources of the template (`amazon-ebs.web`, globs allowed); one source must remain. */
  readonly only?: pulumi.Input<pulumi.Input<string>[]>;
  /** Skip these sources (and post-processors) of the template. */
  readonly except?: pulumi.Input<pulumi.Input<string>[]>;

  /** Directory relative paths (scripts, files, the template) resolve against. @default - the Pulumi project directory */
  readonly baseDir?: pulumi.Input<string>;
  /**
   * Time limit for the build (Go duration). When it runs out the build is cancelled and everything it
   * created is removed. Pulumi's `customTimeouts` do not reach dynamic providers; this does. @default "2h"
   */
  readonly timeout?: pulumi.Input<string>;
  /** Leave the image and its snapshots in the cloud when the resource is deleted or replaced. @default false */
  readonly retainOnDelete?: pulumi.Input<boolean>;
  /**
   * Adopt an existing image baked by a `BakedImage` from identical content (same fingerprint) instead of
   * baking again. An adopted image is shared: see the README for who deletes it. @default false
   */
  readonly reuse?: pulumi.Input<boolean>;
  /**
   * How the build's SSH commands run: `agent` runs them through one session per connection, whose login
   * environment is read once; `per-command` opens an SSH session for each command, as Packer does, so each
   * re-reads startup files (~/.bashrc). Recorded in the stack; not part of the image's content, so
   * changing it updates the resource in place and does not bake again. @default "agent"
   */
  readonly sshSession?: pulumi.Input<"agent" | "per-command">;
}
