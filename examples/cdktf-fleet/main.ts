/**
 * One CDKTF app, the whole product: `cdktf deploy` bakes a web server image with Kiln and runs it as an
 * immutable fleet behind a load balancer. Edit scripts/web.sh and deploy again: a new image is baked, a
 * new group launched from it, traffic moved once it is healthy, and the old group and image deleted.
 *
 * On CDK Terrain: import from "cdktn", "@cdktn/provider-aws/lib/…" and "kiln/cdktn" instead of "cdktf",
 * "@cdktf/provider-aws/lib/…" and "kiln/cdktf"; nothing else changes (test/cdktf/cdktn.test.ts runs it so).
 *
 * Settings come from the environment, read at synth:
 *   AWS_REGION            region (default us-east-1)
 *   SITE_MESSAGE          a secret the build uses; read by `kiln` at apply time, never written to
 *                         cdktf.out, the plan or the state (export it where you run `cdktf deploy`)
 *   AWS_ENDPOINT_URL      an AWS emulator (moto): points the provider and Kiln at it
 *   KILN_SSH_HOST/PORT/USERNAME/KEY_FILE, KILN_BUILD_CIDRS
 *                         where the build reaches its machine (an emulated instance has no network)
 *   KILN_SITE_DIR         where the build installs the site (default /var/www/kiln)
 */

import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { App, Fn, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { BakedImage, ImmutableFleet } from "kiln/cdktf";

const env = process.env;
const region = env.AWS_REGION ?? "us-east-1";
const emulator = env.AWS_ENDPOINT_URL;

class WebStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region,
      ...(emulator
        ? {
            endpoints: [{ ec2: emulator, elbv2: emulator, autoscaling: emulator, sts: emulator, cloudwatch: emulator }],
            skipCredentialsValidation: true,
            skipRequestingAccountId: true,
            skipMetadataApiCheck: "true",
          }
        : {}),
    });
    // @cdktf/provider-aws pins the provider version it was generated from; any 6.x fits these bindings.
    this.addOverride("terraform.required_providers.aws.version", ">= 6.25.0, < 7.0.0");

    const image = new BakedImage(this, "web", {
      amazonEbs: {
        region,
        customEndpointEc2: emulator,
        instanceType: "t3.micro",
        amiName: "kiln-cdktf-web",
        sourceAmiFilter: {
          filters: { name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*", "root-device-type": "ebs" },
          owners: ["099720109477"],
          mostRecent: true,
        },
        sshUsername: env.KILN_SSH_USERNAME ?? "ubuntu",
        sshHost: env.KILN_SSH_HOST,
        sshPort: env.KILN_SSH_PORT ? Number(env.KILN_SSH_PORT) : undefined,
        sshPrivateKeyFile: env.KILN_SSH_KEY_FILE,
        temporarySecurityGroupSourceCidrs: env.KILN_BUILD_CIDRS?.split(","),
        tags: { app: "web" },
      },
      provisioners: [
        {
          type: "shell",
          script: "scripts/web.sh",
          env: { SITE_DIR: env.KILN_SITE_DIR ?? "/var/www/kiln", SITE_MESSAGE: BakedImage.fromEnv("SITE_MESSAGE") },
        },
      ],
      timeout: "45m",
    });

    // A small network: the load balancer needs subnets in two availability zones.
    const zones = new DataAwsAvailabilityZones(this, "zones", { state: "available" });
    const vpc = new Vpc(this, "vpc", { cidrBlock: "10.40.0.0/16", tags: { Name: "kiln-web" } });
    new InternetGateway(this, "gateway", { vpcId: vpc.id });
    const subnets = [0, 1].map(
      (i) =>
        new Subnet(this, `subnet-${i}`, {
          vpcId: vpc.id,
          cidrBlock: `10.40.${i}.0/24`,
          availabilityZone: Fn.element(zones.names, i),
        }),
    );
    const web = new SecurityGroup(this, "web-sg", {
      vpcId: vpc.id,
      ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    });
    const lb = new Lb(this, "lb", {
      namePrefix: "web-",
      loadBalancerType: "application",
      subnets: subnets.map((s) => s.id),
      securityGroups: [web.id],
    });

    const fleet = new ImmutableFleet(this, "web-fleet", {
      imageId: image.imageId,
      instanceType: "t3.micro",
      vpcId: vpc.id,
      subnetIds: subnets.map((s) => s.id),
      securityGroupIds: [web.id],
      loadBalancerArn: lb.arn,
      desiredCapacity: 2,
      canarySteps: [50],
      bakeTime: env.KILN_BAKE_TIME ?? "30s",
      healthTimeout: env.KILN_HEALTH_TIMEOUT ?? "10m",
      region,
      endpoint: emulator,
    });

    new TerraformOutput(this, "image_id", { value: image.imageId });
    new TerraformOutput(this, "fingerprint", { value: image.fingerprint });
    new TerraformOutput(this, "group", { value: fleet.group.name });
    new TerraformOutput(this, "target_group", { value: fleet.targetGroup.arn });
    new TerraformOutput(this, "listener", { value: fleet.listener.arn });
    new TerraformOutput(this, "url", { value: `http://${lb.dnsName}/` });
  }
}

const app = new App();
new WebStack(app, "web");
app.synth();
