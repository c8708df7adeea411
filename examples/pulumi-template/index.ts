import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BakedImage } from "kiln/pulumi";

const config = new pulumi.Config();

// The same template `packer build -only=amazon-ebs.web -var region=… web.pkr.hcl` would run. Editing
// the template or scripts/setup.sh changes the fingerprint, and `pulumi preview` shows a replacement.
const image = new BakedImage("web", {
  template: "./web.pkr.hcl",
  vars: {
    region: aws.config.region ?? "eu-west-1",
    // Sensitive in the template, secret in Pulumi: redacted from output, encrypted in state.
    api_token: config.requireSecret("apiToken"),
  },
  only: ["amazon-ebs.web"],
  tags: { stack: pulumi.getStack() },
  timeout: "45m",
});

export const imageId = image.imageId;
export const artifactId = image.artifactId;
