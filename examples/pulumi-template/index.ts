import * as pulumi from "@pulumi/pulumi";
import { BakedImage } from "kiln/pulumi";

const config = new pulumi.Config();

// Optional template variables from Pulumi config, passed only when set so the template's defaults apply
// otherwise. Against AWS leave them unset; Kiln's tests set them to bake against an EC2 emulator and a
// local SSH server (see web.pkr.hcl).
// A list of CIDRs (`pulumi config set --path 'buildCidrs[0]' 203.0.113.7/32`), given as HCL text.
const buildCidrs = config.getObject<string[]>("buildCidrs");
const optional: Record<string, string | undefined> = {
  packages: config.get("packages"),
  ec2_endpoint: config.get("ec2Endpoint"),
  build_cidrs: buildCidrs && JSON.stringify(buildCidrs),
  ssh_host: config.get("sshHost"),
  ssh_port: config.get("sshPort"),
  ssh_username: config.get("sshUsername"),
  ssh_private_key_file: config.get("sshPrivateKeyFile"),
};
const given = Object.fromEntries(
  Object.entries(optional).filter((entry): entry is [string, string] => entry[1] !== undefined),
);

// The same template `packer build -only=amazon-ebs.web -var region=… web.pkr.hcl` would run. Editing
// the template or scripts/setup.sh changes the fingerprint, and `pulumi preview` shows a replacement.
const image = new BakedImage("web", {
  template: "./web.pkr.hcl",
  vars: {
    region: new pulumi.Config("aws").get("region") ?? "eu-west-1",
    // Sensitive in the template, secret in Pulumi: redacted from output, encrypted in state.
    api_token: config.requireSecret("apiToken"),
    ...given,
  },
  only: ["amazon-ebs.web"],
  tags: { stack: pulumi.getStack() },
  timeout: "45m",
});

export const imageId = image.imageId;
export const artifactId = image.artifactId;
