import * as pulumi from "@pulumi/pulumi";
import { KilnError } from "../engine/errors";
import type { BakedImageArgs } from "./args";
import { type ResolvedArgs, SECRET_OUTPUTS } from "./inputs";
import { programFingerprint } from "./program";
import { bakedImageProvider } from "./provider";
import { secretStrings } from "./secrets";
import { ArgsError, formOf } from "./to-spec";

/**
 * A machine image baked by Kiln when the stack is deployed: `pulumi up` runs the build (streaming its
 * output) in the resource's create step and exposes the image's ID. Editing a script the build runs
 * replaces the image (new one first, then the old one is deleted); editing tags updates it in place.
 *
 *     const image = new BakedImage("web", {
 *       amazonEbs: { region: "eu-west-1", sourceAmi: ubuntu.id, instanceType: "t3.micro",
 *                    sshUsername: "ubuntu", amiName: "web-nginx" },
 *       provisioners: [{ type: "shell", script: "./scripts/nginx.sh" }],
 *     });
 *     new aws.ec2.LaunchTemplate("web", { imageId: image.imageId, ... });
 */
export class BakedImage extends pulumi.dynamic.Resource {
  /** The image in the build region: an AMI ID for `amazonEbs`. */
  declare readonly imageId: pulumi.Output<string>;
  /** Packer's artifact ID: `region:ami-1,region:ami-2`. */
  declare readonly artifactId: pulumi.Output<string>;
  /** Region → image ID, the build region and every copy. */
  declare readonly images: pulumi.Output<Record<string, string>>;
  /** Snapshots of the image in every region. */
  declare readonly snapshotIds: pulumi.Output<string[]>;
  /** Content fingerprint: the build's settings and the bytes of every file it uploads or runs. */
  declare readonly fingerprint: pulumi.Output<string>;
  /** When this resource baked (or adopted) the image, RFC 3339. */
  declare readonly buildTime: pulumi.Output<string>;
  /** Packer's `packer-manifest.json` for this build, as JSON text. Secret. */
  declare readonly manifest: pulumi.Output<string>;
  /** The image's name, with the suffix that keeps it unique. */
  declare readonly imageName: pulumi.Output<string>;
  /** The build's name, `amazon-ebs.<sourceName>`. */
  declare readonly buildName: pulumi.Output<string>;
  /** The image was baked earlier from identical content and adopted (`reuse`), not baked by this resource. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: BakedImageArgs, opts: pulumi.CustomResourceOptions = {}) {
    try {
      formOf(args as ResolvedArgs);
    } catch (error) {
      if (!(error instanceof ArgsError)) throw error;
      throw new KilnError("ARGS_INVALID", `BakedImage '${name}': ${error.failures.map((f) => f.reason).join("; ")}`, {
        cause: error,
        context: { resource: name, property: error.failures[0]?.property },
      });
    }
    const sourceName = args.sourceName ?? name;
    const resolved = pulumi.output({ ...args, sourceName }) as pulumi.Output<ResolvedArgs & { sourceName: string }>;
    const props = {
      ...args,
      sourceName,
      // A hash: shown in previews even when it was computed from secret values.
      fingerprint: pulumi.unsecret(resolved.apply((a) => programFingerprint(a))),
      sensitiveValues: pulumi.secret(secretStrings(args)),
      owner: `${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
      // Outputs, filled in by the provider.
      imageId: undefined,
      artifactId: undefined,
      images: undefined,
      snapshotIds: undefined,
      imageName: undefined,
      buildName: undefined,
      buildTime: undefined,
      manifest: undefined,
      adopted: undefined,
      holder: undefined,
      artifact: undefined,
      source: undefined,
    };
    const secretOutputs = [...new Set([...(opts.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS])];
    super(bakedImageProvider, name, props, { ...opts, additionalSecretOutputs: secretOutputs }, "kiln", "BakedImage");
  }
}
