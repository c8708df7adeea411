import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { Construct } from "constructs";
import { holderTag } from "../../provider/builders/image-store";
import type { ImageCheckResult } from "../../provider/cli/image-command";
import { envRef, type ImageRequest, REQUEST_ENV } from "../../provider/cli/image-request";
import type { AmazonEbsArgs, BakedImageArgs } from "../../provider/generated/plain-args";
import { INLINE_BUILDERS, type InlineBuilderKey } from "../../provider/generated/pulumi-args";
import { shellQuote } from "../../provider/util/shell";
import { create, type Flavour, type Made } from "./flavour";
import { kilnCommand } from "./kiln-command";

/**
 * The same arguments as the Pulumi `BakedImage`, as plain values (the argument types generated from the
 * plugin schemas and the resource's fields, provider/generated/plain-args.ts): `amazonEbs` with
 * `provisioners` and `postProcessors`, or a Packer `template` with `vars`, `only`, `except`. A sensitive
 * value (a password, a token, a sensitive template variable) is never written into the configuration:
 * pass `BakedImage.fromEnv("NAME")` and export `NAME` where `cdktf deploy` / `terraform apply` runs.
 * Values are literals: a Terraform reference is refused at synth (the fingerprint is computed then).
 */
export interface BakedImageProps<Provider = unknown> extends Omit<BakedImageArgs, InlineBuilderKey> {
  /** Bake with Packer's `amazon-ebs` builder (the only builder this construct bakes), or give `template`. */
  readonly amazonEbs?: AmazonEbsArgs;
  /** The AWS provider the image lookup uses. @default - the stack's default AWS provider */
  readonly provider?: Provider;
}

/** The construct finds its image with `data "aws_ami"`: only amazon-ebs images can be baked by it. */
const SUPPORTED_BUILDER = "amazon-ebs";

/**
 * A machine image baked during `cdktf deploy` (Terraform's apply), as Packer would, and deleted with its
 * snapshots in every region when the resource goes.
 *
 * Terraform pieces: a `terraform_data` whose `triggers_replace` is the content fingerprint (computed at
 * synth from the builder settings and the bytes of every script and file), with `local-exec` provisioners
 * running `kiln image bake` on create and `kiln image destroy` on destroy, and a `data "aws_ami"` found
 * by the holder tag the bake writes. A script edit shows as a replacement in `cdktf diff`; nothing else
 * does. The image is replaced create-before-destroy, so a fleet moves over before the old image goes.
 * `Bake` and `Ami` are the flavour's `DataResource` and `DataAwsAmi` classes.
 */
export interface BakedImageOf<Bake, Ami> extends Construct {
  /** The image in the build region (a token resolved during apply when the image is new). */
  readonly imageId: string;
  /** Content fingerprint: builder settings, provisioners, bytes of every file they upload or run. */
  readonly fingerprint: string;
  /** The `terraform_data` resource that bakes (its `id` is the holder key tagged on the image). */
  readonly bake: Bake;
  /** The lookup of the baked image, ordered after the bake. */
  readonly ami: Ami;
}

/** The `BakedImage` class of a flavour whose `TerraformProvider` is `Provider`. */
export interface BakedImageClass<Provider, Bake, Ami> {
  new (scope: Construct, id: string, props: BakedImageProps<Provider>): BakedImageOf<Bake, Ami>;
  /** A value read from the environment variable `name` at apply time and redacted from the output. */
  fromEnv(name: string): string;
}

/**
 * The `BakedImage` class for one flavour (`cdktf` or `cdktn`, see flavour.ts); the entry points
 * `kiln/cdktf` and `kiln/cdktn` export what this returns.
 */
export function defineBakedImage<Provider, F extends Flavour<Provider>>(
  lib: F,
): BakedImageClass<Provider, Made<Provider, F, "DataResource">, Made<Provider, F, "DataAwsAmi">> {
  return class BakedImage extends Construct implements BakedImageOf<unknown, unknown> {
    static fromEnv(name: string): string {
      return envRef(name);
    }

    readonly imageId: string;
    readonly fingerprint: string;
    readonly bake: Made<Provider, F, "DataResource">;
    readonly ami: Made<Provider, F, "DataAwsAmi">;

    constructor(scope: Construct, id: string, props: BakedImageProps<Provider>) {
      super(scope, id);
      const { provider, ...args } = props;
      refuseUnsupported(lib, this.node.path, args);
      // The owner is the same under both flavours: an app moved from cdktf to cdktn keeps its images.
      const request: ImageRequest = {
        name: id,
        owner: `cdktf:${this.node.path}`,
        args: { ...args, baseDir: resolve(args.baseDir ?? process.cwd()) },
      };
      const checked = checkRequest(request, this.node.path);
      this.fingerprint = checked.fingerprint;

      const kiln = kilnCommand().map(shellQuote).join(" ");
      const environment = { [REQUEST_ENV]: `\${self.input.request}` };
      this.bake = create(lib, "DataResource", this, "bake", {
        triggersReplace: { fingerprint: checked.fingerprint, imageName: imageName(args) },
        input: { request: literal(JSON.stringify(request)) },
        lifecycle: { createBeforeDestroy: true },
        provisioners: [
          // `exec`: Terraform kills the command's process on interrupt; it must be kiln, not a shell.
          { type: "local-exec", command: `exec ${kiln} image bake --holder \${self.id}`, environment },
          {
            type: "local-exec",
            when: "destroy",
            command: `exec ${kiln} image destroy --holder \${self.id}`,
            environment,
          },
        ],
      });
      this.ami = create(lib, "DataAwsAmi", this, "image", {
        owners: ["self"],
        mostRecent: true,
        filter: [{ name: "tag-key", values: [holderTag({ key: this.bake.id, owner: "" })] }],
        dependsOn: [this.bake],
        provider,
      });
      this.imageId = this.ami.id;
    }
  };
}

const UNSUPPORTED_REASON =
  'the CDKTF BakedImage bakes amazon-ebs images only (it reads the image back with data "aws_ami"); use the Pulumi BakedImage or `kiln build` for other builders';

/**
 * What the construct cannot honour, refused before any command runs: a builder other than amazon-ebs, and
 * Terraform references (tokens) in the args — the fingerprint and the bake request are computed at synth,
 * from literal values.
 */
function refuseUnsupported(lib: Pick<Flavour, "Token">, path: string, args: object): void {
  const problems: string[] = [];
  for (const key of Object.keys(INLINE_BUILDERS) as InlineBuilderKey[]) {
    if (INLINE_BUILDERS[key] !== SUPPORTED_BUILDER && (args as Record<string, unknown>)[key] !== undefined) {
      problems.push(`${key}: ${UNSUPPORTED_REASON}`);
    }
  }
  for (const property of tokenPaths(lib, args, "")) {
    problems.push(
      `${property}: a Terraform reference cannot be used here: the image's fingerprint and bake request are computed at synth; give a literal value`,
    );
  }
  if (problems.length) throw new Error(`BakedImage '${path}': ${problems.join("; ")}`);
}

/** Property paths (`amazonEbs.subnetId`, `provisioners[0].inline[1]`) of every unresolved token in `value`. */
function tokenPaths(lib: Pick<Flavour, "Token">, value: unknown, path: string): string[] {
  if (lib.Token.isUnresolved(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => tokenPaths(lib, item, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => tokenPaths(lib, item, path ? `${path}.${key}` : key));
  }
  return [];
}

/** Terraform reads `${…}` and `%{…}` in strings as templates; a script's `${HOME}` must stay text. */
function literal(text: string): string {
  return text.replace(/([$%])\{/g, (_match, sign: string) => `${sign}${sign}{`);
}

function imageName(args: BakedImageArgs): string {
  const builder = args.amazonEbs as { amiName?: string; ami_name?: string } | undefined;
  return builder?.amiName ?? builder?.ami_name ?? "";
}

/** Runs `kiln image check` (validation and fingerprint need async file and template reads; synth is sync). */
function checkRequest(request: ImageRequest, path: string): ImageCheckResult {
  const [command, ...args] = kilnCommand();
  const run = spawnSync(command as string, [...args, "image", "check"], {
    input: JSON.stringify(request),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  if (run.status !== 0) {
    throw new Error(`BakedImage '${path}': ${(run.stderr || run.error?.message || "kiln image check failed").trim()}`);
  }
  const result = JSON.parse(run.stdout) as ImageCheckResult;
  if (result.builderType && result.builderType !== SUPPORTED_BUILDER) {
    const property = request.args.template === undefined ? "builder" : request.args.only ? "only" : "template";
    throw new Error(`BakedImage '${path}': ${property}: builds a ${result.builderType} image; ${UNSUPPORTED_REASON}`);
  }
  if (result.failures.length) {
    throw new Error(`BakedImage '${path}': ${result.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  }
  return result;
}
