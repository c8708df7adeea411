/**
 * An app synthesized by CDK Terrain's CLI (`cdktn synth`) with Kiln's constructs. `App` comes from `cdktf`:
 * a `cdktn` App fails in `synth()` on providers from `@cdktf/provider-aws` (it calls
 * `_resetResolveDiscoveredProviderFeatureUsage`, which cdktf's TerraformProvider lacks), and the constructs
 * use that provider package. The image feeds a launch template in the same deploy.
 */
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { BakedImage } from "kiln/cdktf";

const env = process.env;
const endpoint = env.AWS_ENDPOINT_URL as string;

class ImageStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AwsProvider(this, "aws", {
      region: "us-east-1",
      endpoints: [{ ec2: endpoint, sts: endpoint }],
      skipCredentialsValidation: true,
      skipRequestingAccountId: true,
      skipMetadataApiCheck: "true",
    });
    this.addOverride("terraform.required_providers.aws.version", ">= 6.25.0, < 7.0.0");
    const image = new BakedImage(this, "hello", {
      amazonEbs: {
        region: "us-east-1",
        customEndpointEc2: endpoint,
        sourceAmi: "ami-0a11c0ffee0000002",
        instanceType: "t3.micro",
        amiName: "kiln-cdktn-hello",
        amiRegions: ["us-west-2"],
        sshHost: env.KILN_SSH_HOST,
        sshPort: Number(env.KILN_SSH_PORT),
        sshUsername: env.KILN_SSH_USERNAME,
        sshPrivateKeyFile: env.KILN_SSH_KEY_FILE,
        temporarySecurityGroupSourceCidrs: ["127.0.0.1/32"],
      },
      provisioners: [{ type: "shell", script: "scripts/hello.sh" }],
    });
    const template = new LaunchTemplate(this, "template", {
      namePrefix: "hello-",
      imageId: image.imageId,
      instanceType: "t3.micro",
      userData: "IyEvYmluL3NoCg==",
    });
    new TerraformOutput(this, "image_id", { value: image.imageId });
    new TerraformOutput(this, "template_image", { value: template.imageId });
  }
}

const app = new App();
new ImageStack(app, "hello");
app.synth();
