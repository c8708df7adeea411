import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { ebsSchema } from "../builders/amazon-ebs/config";
import type { azureArmSchema } from "../builders/azure-arm/config";

/**
 * Arguments of a `BakedImage`. Two forms:
 * - inline: a builder block (`amazonEbs`) with `provisioners` and `postProcessors`, written in camelCase
 *   (Packer's `ami_name` is `amiName`; Packer's snake_case names are accepted too);
 * - template: `template: "./web.pkr.hcl"` with `vars`, `only` and `except`, as `packer build` takes them.
 *
 * Every value may be a Pulumi `Input`; values wrapped in `pulumi.secret` (passwords, keys, sensitive
 * variables) are redacted from build output and kept secret in state.
 */
export interface BakedImageArgs {
  /** Bake an AMI on EC2 (Packer's `amazon-ebs` builder). Set exactly one of `amazonEbs` and `template`. */
  readonly amazonEbs?: pulumi.Input<AmazonEbsArgs>;
  /** Bake a managed image and/or gallery image version on Azure (Packer's `azure-arm` builder). */
  readonly azureArm?: pulumi.Input<AzureArmArgs>;
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
}

/** Fields every builder accepts for the SSH connection to the build machine (Packer's `ssh_*`). */
export interface CommunicatorArgs {
  /** `ssh`, or `none` when no provisioner needs the machine. @default "ssh" */
  readonly communicator?: pulumi.Input<"ssh" | "none">;
  /** Connect here instead of the address the builder found (a bastion-less private network, tests). */
  readonly sshHost?: pulumi.Input<string>;
  /** @default 22 */
  readonly sshPort?: pulumi.Input<number>;
  /** User to log in as, e.g. `ubuntu`. Required with the SSH communicator. */
  readonly sshUsername?: pulumi.Input<string>;
  /** Password authentication. Pass it with `pulumi.secret`. */
  readonly sshPassword?: pulumi.Input<string>;
  /** Private key file for authentication. @default - a temporary key pair made for the build */
  readonly sshPrivateKeyFile?: pulumi.Input<string>;
  /** How long to keep trying to connect (Go duration). @default "5m" */
  readonly sshTimeout?: pulumi.Input<string>;
  /** Authentication failures tolerated before giving up. @default 10 */
  readonly sshHandshakeAttempts?: pulumi.Input<number>;
  /** @default "5s"; "0s" turns keep-alives off */
  readonly sshKeepAliveInterval?: pulumi.Input<string>;
  /** Wait before the first connection attempt. @default "0s" */
  readonly pauseBeforeConnecting?: pulumi.Input<string>;
  readonly sshBastionHost?: pulumi.Input<string>;
  /** @default 22 */
  readonly sshBastionPort?: pulumi.Input<number>;
  readonly sshBastionUsername?: pulumi.Input<string>;
  /** Pass it with `pulumi.secret`. */
  readonly sshBastionPassword?: pulumi.Input<string>;
  readonly sshBastionPrivateKeyFile?: pulumi.Input<string>;
  /** Request a pseudo-terminal for commands. @default false */
  readonly sshPty?: pulumi.Input<boolean>;
  /** Accepted for Packer compatibility; Kiln always transfers over SFTP. */
  readonly sshFileTransferMethod?: pulumi.Input<"scp" | "sftp">;
}

/** The `amazon-ebs` builder: Packer's fields in camelCase. */
export interface AmazonEbsArgs extends CommunicatorArgs {
  /** Region the instance runs in and the AMI is made in (the `imageId` output's region). */
  readonly region: pulumi.Input<string>;
  /** Static credentials, with `secretKey`. Pass them with `pulumi.secret`. @default - the standard AWS chain */
  readonly accessKey?: pulumi.Input<string>;
  readonly secretKey?: pulumi.Input<string>;
  /** Session token for temporary credentials. */
  readonly token?: pulumi.Input<string>;
  /** Named profile from the shared AWS config files. */
  readonly profile?: pulumi.Input<string>;
  /** EC2 endpoint URL (a VPC endpoint, or moto in tests). */
  readonly customEndpointEc2?: pulumi.Input<string>;
  /** SDK attempts per call after throttling or transient errors. @default 10 */
  readonly maxRetries?: pulumi.Input<number>;
  /** Fixed delay between polls and a cap on polls. @default - start at 1s and back off */
  readonly awsPolling?: pulumi.Input<{
    readonly delaySeconds?: pulumi.Input<number>;
    readonly maxAttempts?: pulumi.Input<number>;
  }>;

  /**
   * Name of the AMI. Kiln appends `-<UTC timestamp>` (like Pulumi's auto-naming) so the replacement
   * image can exist beside the one it replaces; AWS requires unique names. Changing it replaces the image.
   */
  readonly amiName: pulumi.Input<string>;
  readonly amiDescription?: pulumi.Input<string>;
  /** Regions to copy the AMI to; the `images` output has one entry per region. */
  readonly amiRegions?: pulumi.Input<pulumi.Input<string>[]>;
  /** KMS key per copy region, for encrypted copies. */
  readonly regionKmsKeyIds?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Account IDs allowed to launch the AMI. */
  readonly amiUsers?: pulumi.Input<pulumi.Input<string>[]>;
  /** `["all"]` makes the AMI public. */
  readonly amiGroups?: pulumi.Input<pulumi.Input<"all">[]>;
  readonly amiOrgArns?: pulumi.Input<pulumi.Input<string>[]>;
  readonly amiOuArns?: pulumi.Input<pulumi.Input<string>[]>;
  /** Tags on the AMI in every region. Changing them re-tags the image in place. */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Tags on the AMI's snapshots in every region. Changing them re-tags in place. */
  readonly snapshotTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly snapshotUsers?: pulumi.Input<pulumi.Input<string>[]>;
  readonly snapshotGroups?: pulumi.Input<pulumi.Input<"all">[]>;
  /** Replace an existing AMI with the same name. Rarely needed: names get a unique suffix. @default false */
  readonly forceDeregister?: pulumi.Input<boolean>;
  /** With `forceDeregister`: delete the replaced AMI's snapshots too. @default false */
  readonly forceDeleteSnapshot?: pulumi.Input<boolean>;
  /** Encrypt the AMI's snapshots. @default false */
  readonly encryptBoot?: pulumi.Input<boolean>;
  /** KMS key for `encryptBoot`. @default - the account's default EBS key */
  readonly kmsKeyId?: pulumi.Input<string>;
  /** `v2.0`: instances launched from the AMI require IMDSv2. */
  readonly imdsSupport?: pulumi.Input<"v2.0">;
  /** RFC 3339 time after which the AMI is deprecated. */
  readonly deprecateAt?: pulumi.Input<string>;
  /** Provision and tear down without making an AMI (for testing provisioners). @default false */
  readonly skipCreateAmi?: pulumi.Input<boolean>;
  readonly amiBlockDeviceMappings?: pulumi.Input<pulumi.Input<BlockDeviceArgs>[]>;

  /** The AMI to start from. Set this or `sourceAmiFilter`. */
  readonly sourceAmi?: pulumi.Input<string>;
  /** Pick the source AMI by filters; `owners` is required so a lookalike cannot match. */
  readonly sourceAmiFilter?: pulumi.Input<AmiFilterArgs>;
  /** Instance type of the build machine, e.g. `t3.micro`. */
  readonly instanceType?: pulumi.Input<string>;
  readonly iamInstanceProfile?: pulumi.Input<string>;
  readonly userData?: pulumi.Input<string>;
  /** A local file whose bytes are part of the image's fingerprint. */
  readonly userDataFile?: pulumi.Input<string>;
  /** Tags on the build instance. */
  readonly runTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Tags on the build instance's volumes. */
  readonly runVolumeTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly launchBlockDeviceMappings?: pulumi.Input<pulumi.Input<BlockDeviceArgs>[]>;
  readonly associatePublicIpAddress?: pulumi.Input<boolean>;
  readonly availabilityZone?: pulumi.Input<string>;
  readonly ebsOptimized?: pulumi.Input<boolean>;
  /** @default "stop" */
  readonly shutdownBehavior?: pulumi.Input<"stop" | "terminate">;
  /** The build instance's metadata service; Kiln requires IMDSv2 tokens unless told otherwise. */
  readonly metadataOptions?: pulumi.Input<{
    /** @default "enabled" */
    readonly httpEndpoint?: pulumi.Input<"enabled" | "disabled">;
    /** @default "required" */
    readonly httpTokens?: pulumi.Input<"required" | "optional">;
    /** @default 1 */
    readonly httpPutResponseHopLimit?: pulumi.Input<number>;
    /** @default "disabled" */
    readonly instanceMetadataTags?: pulumi.Input<"enabled" | "disabled">;
  }>;
  /** The instance shuts itself down; wait for it instead of stopping it. @default false */
  readonly disableStopInstance?: pulumi.Input<boolean>;
  /** Maximum hourly price, or `auto`: launches a spot instance. */
  readonly spotPrice?: pulumi.Input<string>;
  /** Instance types the spot request may use, in place of `instanceType`. */
  readonly spotInstanceTypes?: pulumi.Input<pulumi.Input<string>[]>;
  readonly spotTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;

  readonly vpcId?: pulumi.Input<string>;
  readonly subnetId?: pulumi.Input<string>;
  readonly subnetFilter?: pulumi.Input<{
    readonly filters: pulumi.Input<Record<string, pulumi.Input<string | string[]>>>;
    /** Pick the subnet with the most free addresses. @default false */
    readonly mostFree?: pulumi.Input<boolean>;
    /** @default false */
    readonly random?: pulumi.Input<boolean>;
  }>;
  readonly securityGroupId?: pulumi.Input<string>;
  readonly securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupFilter?: pulumi.Input<{
    readonly filters: pulumi.Input<Record<string, pulumi.Input<string | string[]>>>;
  }>;
  /** Who may reach SSH through the temporary security group. @default - this machine's public address (/32) */
  readonly temporarySecurityGroupSourceCidrs?: pulumi.Input<pulumi.Input<string>[]>;
  /** Accepted for Packer compatibility: Kiln uses the public address whenever no CIDRs are given. */
  readonly temporarySecurityGroupSourcePublicIp?: pulumi.Input<boolean>;
  /** @default "kiln_<build id>" */
  readonly temporaryKeyPairName?: pulumi.Input<string>;
  /** @default "ed25519" */
  readonly temporaryKeyPairType?: pulumi.Input<"ed25519" | "rsa">;
  /** An existing EC2 key pair whose private key is `sshPrivateKeyFile`. */
  readonly sshKeypairName?: pulumi.Input<string>;
  /** Which address of the instance to connect to. @default - public IP, else private IP */
  readonly sshInterface?: pulumi.Input<"public_ip" | "private_ip" | "public_dns" | "private_dns">;
}

export interface AmiFilterArgs {
  /** EC2 filters, e.g. `{ name: "ubuntu/images/*jammy*", "root-device-type": "ebs" }`. */
  readonly filters?: pulumi.Input<Record<string, pulumi.Input<string | string[]>>>;
  /** Account IDs or aliases (`amazon`, `self`). */
  readonly owners: pulumi.Input<pulumi.Input<string>[]>;
  /** Take the newest when several match. @default false (several matches is an error) */
  readonly mostRecent?: pulumi.Input<boolean>;
  /** @default false */
  readonly includeDeprecated?: pulumi.Input<boolean>;
}

export interface BlockDeviceArgs {
  readonly deviceName: pulumi.Input<string>;
  /** @default false */
  readonly deleteOnTermination?: pulumi.Input<boolean>;
  readonly encrypted?: pulumi.Input<boolean>;
  readonly iops?: pulumi.Input<number>;
  readonly kmsKeyId?: pulumi.Input<string>;
  readonly noDevice?: pulumi.Input<boolean>;
  readonly snapshotId?: pulumi.Input<string>;
  readonly throughput?: pulumi.Input<number>;
  readonly virtualName?: pulumi.Input<string>;
  /** GiB. */
  readonly volumeSize?: pulumi.Input<number>;
  readonly volumeType?: pulumi.Input<"standard" | "io1" | "io2" | "gp2" | "gp3" | "sc1" | "st1">;
}

/** Fields every provisioner accepts besides its own. */
export interface ProvisionerCommonArgs {
  /** Wait before running (Go duration). */
  readonly pauseBefore?: pulumi.Input<string>;
  /** Retries after a failure. @default 0 */
  readonly maxRetries?: pulumi.Input<number>;
  /** Cancel the provisioner after this long (Go duration). */
  readonly timeout?: pulumi.Input<string>;
  /** Run only for these sources (matters for templates with several). */
  readonly only?: pulumi.Input<pulumi.Input<string>[]>;
  readonly except?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Packer's `shell` provisioner: uploads scripts (or the inline commands as one) and runs them. */
export interface ShellProvisionerArgs extends ProvisionerCommonArgs {
  readonly type: "shell";
  readonly inline?: pulumi.Input<pulumi.Input<string>[]>;
  /** A local script; its bytes are part of the fingerprint, so editing it replaces the image. */
  readonly script?: pulumi.Input<string>;
  readonly scripts?: pulumi.Input<pulumi.Input<string>[]>;
  /** `KEY=value` entries. */
  readonly environmentVars?: pulumi.Input<pulumi.Input<string>[]>;
  /** Environment variables by name; a `pulumi.secret` value is redacted from the output. */
  readonly env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** @default "chmod +x {{.Path}}; {{.Vars}} {{.Path}}" */
  readonly executeCommand?: pulumi.Input<string>;
  /** @default "/bin/sh -e" */
  readonly inlineShebang?: pulumi.Input<string>;
  /** @default "/tmp" */
  readonly remoteFolder?: pulumi.Input<string>;
  readonly remoteFile?: pulumi.Input<string>;
  readonly remotePath?: pulumi.Input<string>;
  /** The script reboots the machine. @default false */
  readonly expectDisconnect?: pulumi.Input<boolean>;
  /** @default [0] */
  readonly validExitCodes?: pulumi.Input<pulumi.Input<number>[]>;
  /** @default false */
  readonly skipClean?: pulumi.Input<boolean>;
}

/** Packer's `file` provisioner: copies files or directories to (or from) the machine. */
export interface FileProvisionerArgs extends ProvisionerCommonArgs {
  readonly type: "file";
  /** Local file or directory; its bytes are part of the fingerprint. */
  readonly source?: pulumi.Input<string>;
  readonly sources?: pulumi.Input<pulumi.Input<string>[]>;
  /** Literal content to upload instead of a file. */
  readonly content?: pulumi.Input<string>;
  readonly destination: pulumi.Input<string>;
  /** @default "upload" */
  readonly direction?: pulumi.Input<"upload" | "download">;
  /** The source is made during the build. @default false */
  readonly generated?: pulumi.Input<boolean>;
}

/** Fields of Packer's `shell-local`, shared by the provisioner and the post-processor. */
export interface ShellLocalFields {
  readonly command?: pulumi.Input<string>;
  readonly inline?: pulumi.Input<pulumi.Input<string>[]>;
  readonly script?: pulumi.Input<string>;
  readonly scripts?: pulumi.Input<pulumi.Input<string>[]>;
  readonly environmentVars?: pulumi.Input<pulumi.Input<string>[]>;
  readonly env?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly executeCommand?: pulumi.Input<pulumi.Input<string>[]>;
  readonly inlineShebang?: pulumi.Input<string>;
  readonly validExitCodes?: pulumi.Input<pulumi.Input<number>[]>;
  readonly onlyOn?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Packer's `shell-local` provisioner: runs commands on the machine running Pulumi. */
export interface ShellLocalProvisionerArgs extends ProvisionerCommonArgs, ShellLocalFields {
  readonly type: "shell-local";
}

export type ProvisionerArgs = ShellProvisionerArgs | FileProvisionerArgs | ShellLocalProvisionerArgs;

export interface PostProcessorCommonArgs {
  readonly only?: pulumi.Input<pulumi.Input<string>[]>;
  readonly except?: pulumi.Input<pulumi.Input<string>[]>;
  /** @default true */
  readonly keepInputArtifact?: pulumi.Input<boolean>;
}

/** Packer's `manifest`: appends the build to a JSON file (the `manifest` output has the same content). */
export interface ManifestPostProcessorArgs extends PostProcessorCommonArgs {
  readonly type: "manifest";
  /** @default "packer-manifest.json" */
  readonly output?: pulumi.Input<string>;
  readonly stripPath?: pulumi.Input<boolean>;
  readonly stripTime?: pulumi.Input<boolean>;
  readonly customData?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface ChecksumPostProcessorArgs extends PostProcessorCommonArgs {
  readonly type: "checksum";
  readonly checksumTypes?: pulumi.Input<pulumi.Input<"md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512">[]>;
  readonly output?: pulumi.Input<string>;
}

export interface ShellLocalPostProcessorArgs extends PostProcessorCommonArgs, ShellLocalFields {
  readonly type: "shell-local";
}

/** Publishes the AMI ID to an SSM parameter (`resolve:ssm:/path` in launch templates). */
export interface AmazonSsmParameterPostProcessorArgs extends PostProcessorCommonArgs {
  readonly type: "amazon-ssm-parameter";
  readonly parameterName: pulumi.Input<string>;
  readonly region?: pulumi.Input<string>;
  readonly accessKey?: pulumi.Input<string>;
  readonly secretKey?: pulumi.Input<string>;
  readonly token?: pulumi.Input<string>;
  readonly profile?: pulumi.Input<string>;
  readonly customEndpointSsm?: pulumi.Input<string>;
  readonly maxRetries?: pulumi.Input<number>;
  readonly description?: pulumi.Input<string>;
  readonly dataType?: pulumi.Input<"aws:ec2:image" | "text">;
  readonly tier?: pulumi.Input<"Standard" | "Advanced" | "Intelligent-Tiering">;
  readonly overwrite?: pulumi.Input<boolean>;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export type PostProcessorArgs =
  | ManifestPostProcessorArgs
  | ChecksumPostProcessorArgs
  | ShellLocalPostProcessorArgs
  | AmazonSsmParameterPostProcessorArgs;

/** `amiName` → `ami_name`, at the type level. */
type SnakeCase<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `_${Lowercase<Head>}`}${SnakeCase<Tail>}`
  : S;
type Assert<T extends true> = T;
type EbsFields = keyof z.input<typeof ebsSchema>;
type ArgFields = SnakeCase<keyof AmazonEbsArgs & string>;

// Compile-time guards that AmazonEbsArgs and the builder's schema name the same fields, both ways:
// a field added, renamed or removed in provider/builders/amazon-ebs/config.ts fails the build here.
export type AmazonEbsArgsHaveNoUnknownField = Assert<[Exclude<ArgFields, EbsFields>] extends [never] ? true : false>;
export type AmazonEbsArgsCoverTheSchema = Assert<[Exclude<EbsFields, ArgFields>] extends [never] ? true : false>;

/** `managed_image_name` → `managedImageName`. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** A config object's fields in camelCase, each a Pulumi `Input`, nested blocks too. */
type CamelArgs<T> = {
  readonly [K in keyof T as CamelCase<K & string>]?: pulumi.Input<
    NonNullable<T[K]> extends readonly (infer E)[]
      ? E extends object
        ? CamelArgs<E>[]
        : NonNullable<T[K]>
      : NonNullable<T[K]> extends Record<string, string>
        ? NonNullable<T[K]>
        : NonNullable<T[K]> extends object
          ? CamelArgs<NonNullable<T[K]>>
          : NonNullable<T[K]>
  >;
};

/**
 * The `azure-arm` builder: Packer's fields in camelCase (`managedImageName`, `imagePublisher`,
 * `sharedImageGalleryDestination: { galleryName, … }`), typed from the builder's schema. Pass secrets
 * (`clientSecret`) with `pulumi.secret`. `managedImageName` gets a unique suffix, as `amiName` does.
 */
export type AzureArmArgs = CamelArgs<z.input<typeof azureArmSchema>>;
