import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BakedImage, ImmutableFleet } from "kiln/pulumi";

const config = new pulumi.Config();
const region = aws.config.region ?? "eu-west-1";
const message = config.get("message") ?? "hello from a Kiln fleet";

// The default VPC and its subnets: the fleet and its load balancer run there.
const vpc = aws.ec2.getVpcOutput({ default: true });
const subnets = aws.ec2.getSubnetsOutput({ filters: [{ name: "vpc-id", values: [vpc.id] }] });
const ubuntu = aws.ec2.getAmiOutput({
  owners: ["099720109477"],
  mostRecent: true,
  filters: [{ name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"] }],
});

// Changing `message` (or the script) bakes a new image; the fleet then replaces its group blue/green.
const image = new BakedImage("web", {
  amazonEbs: {
    region,
    sourceAmi: ubuntu.id,
    instanceType: "t3.micro",
    sshUsername: "ubuntu",
    amiName: "kiln-fleet-nginx",
    imdsSupport: "v2.0",
  },
  provisioners: [
    {
      type: "shell",
      inline: [
        "sudo apt-get update -q && sudo apt-get install -y -q nginx",
        `echo '${message}' | sudo tee /var/www/html/index.html`,
      ],
    },
  ],
});

const fleet = new ImmutableFleet("web", {
  image,
  instanceType: "t3.micro",
  subnetIds: subnets.ids,
  capacity: { min: 2, max: 4 },
  loadBalancer: { vpcId: vpc.id },
  // 10 % of requests, then half, then all, with two minutes to watch each step.
  canarySteps: [10, 50],
  bakeTime: "2m",
  healthCheckTimeout: "10m",
  keepPrevious: config.getBoolean("keepPrevious") ?? false,
  tags: { app: "web" },
});

export const imageId = image.imageId;
export const liveGroup = fleet.groupName;
export const url = pulumi.interpolate`http://${fleet.loadBalancer?.dnsName}`;
