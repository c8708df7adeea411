import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BakedImage } from "kiln/pulumi";

const config = new pulumi.Config();
const region = aws.config.region ?? "eu-west-1";
const instanceType = config.get("instanceType") ?? "t3.micro";

// The newest Ubuntu 24.04 from Canonical.
const ubuntu = aws.ec2.getAmiOutput({
  owners: ["099720109477"],
  mostRecent: true,
  filters: [{ name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"] }],
});

// `pulumi up` bakes the image here, streaming the build to the display. Editing scripts/nginx.sh or
// site/ replaces it (the new image is baked before the old one is deleted); editing `tags` does not.
const image = new BakedImage("web", {
  amazonEbs: {
    region,
    sourceAmi: ubuntu.id,
    instanceType,
    sshUsername: "ubuntu",
    amiName: "kiln-web-nginx",
    amiDescription: "nginx on Ubuntu 24.04, baked by Kiln",
    imdsSupport: "v2.0",
    tags: { app: "web" },
  },
  provisioners: [
    { type: "file", source: "site/", destination: "/tmp/site" },
    {
      type: "shell",
      script: "scripts/nginx.sh",
      // A secret is redacted from the build output and kept secret in the state.
      env: { SITE_MESSAGE: config.getSecret("siteMessage") ?? "baked by Kiln" },
    },
  ],
  tags: { stack: pulumi.getStack() },
  timeout: "45m",
});

const vpc = aws.ec2.getVpcOutput({ default: true });
const subnets = aws.ec2.getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpc.id] }] });

const web = new aws.ec2.SecurityGroup("web", {
  vpcId: vpc.id,
  ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
  egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
});

// A new image makes a new launch template version; the group rolls its instances onto it.
const launchTemplate = new aws.ec2.LaunchTemplate("web", {
  imageId: image.imageId,
  instanceType,
  vpcSecurityGroupIds: [web.id],
  metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
  tagSpecifications: [{ resourceType: "instance", tags: { Name: "kiln-web" } }],
});

const group = new aws.autoscaling.Group("web", {
  vpcZoneIdentifiers: subnets.ids,
  minSize: 2,
  maxSize: 4,
  desiredCapacity: 2,
  healthCheckType: "EC2",
  launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
  instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
  tags: [{ key: "Name", value: "kiln-web", propagateAtLaunch: true }],
});

export const imageId = image.imageId;
export const images = image.images;
export const fingerprint = image.fingerprint;
export const autoscalingGroup = group.name;
