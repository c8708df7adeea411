import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { LIVE_REGION, liveAwsSkipReason } from "../fixtures/live-aws";

// `pulumi up` and `pulumi destroy` for real, through the Automation API with a local file backend:
// bakes a small AMI in a real AWS account, then deletes it. Runs only where the `pulumi` CLI and AWS
// credentials are present and KILN_LIVE_AWS=1 asks for it; elsewhere it is skipped and says why.
const reason = skipReason();
if (reason) console.log(`live Pulumi test skipped: ${reason}`);

function skipReason(): string | undefined {
  try {
    execFileSync("pulumi", ["version"], { stdio: "ignore" });
  } catch {
    return "the `pulumi` CLI is not on PATH (https://www.pulumi.com/docs/iac/download-install/)";
  }
  return liveAwsSkipReason("bakes an AMI on a real EC2 instance");
}

const ROOT = join(__dirname, "../..");
const REGION = LIVE_REGION;

describe.skipIf(reason !== undefined)("live: pulumi up / destroy", () => {
  it(`bakes an AMI on up, changes nothing on a second preview, deletes it on destroy${reason ? ` (skipped: ${reason})` : ""}`, {
    timeout: 60 * 60_000,
  }, async () => {
    const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
    const workDir = mkdtempSync(join(tmpdir(), "kiln-live-"));
    const stateDir = join(workDir, "state");
    mkdirSync(stateDir);
    // The dynamic provider host resolves @pulumi/pulumi from its working directory.
    symlinkSync(join(ROOT, "node_modules"), join(workDir, "node_modules"));
    const program = async () => {
      const aws = await import("@pulumi/aws");
      const { BakedImage } = await import("../../provider/pulumi");
      const ubuntu = aws.ec2.getAmiOutput({
        owners: ["099720109477"],
        mostRecent: true,
        filters: [{ name: "name", values: ["ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"] }],
      });
      const image = new BakedImage("live", {
        amazonEbs: {
          region: REGION,
          sourceAmi: ubuntu.id,
          instanceType: "t3.micro",
          sshUsername: "ubuntu",
          amiName: "kiln-live-test",
          tags: { purpose: "kiln live test" },
        },
        provisioners: [{ type: "shell", inline: ["echo hello from kiln", "uname -a"] }],
        timeout: "30m",
      });
      return { imageId: image.imageId };
    };
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "live", projectName: "kiln-live", program },
      {
        workDir,
        projectSettings: { name: "kiln-live", runtime: "nodejs", backend: { url: `file://${stateDir}` } },
        envVars: {
          PULUMI_CONFIG_PASSPHRASE: "kiln-live-test",
          // The provider host is plain Node: let it load Kiln's TypeScript as it would load dist/.
          NODE_OPTIONS: `--require ${join(__dirname, "ts-require.cjs")}`,
        },
      },
    );
    await stack.setConfig("aws:region", { value: REGION });
    let display = "";
    const onOutput = (text: string) => {
      display += text;
      process.stdout.write(text);
    };
    const ec2 = new EC2Client({ region: REGION });
    let imageId = "";
    try {
      const up = await stack.up({ onOutput });
      imageId = String(up.outputs.imageId?.value ?? "");
      expect(imageId).toMatch(/^ami-[0-9a-f]+$/);
      expect(display).toContain("[kiln] amazon-ebs.live:");
      expect(display).toContain("hello from kiln");
      const images = await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      expect(images.Images?.[0]?.State).toBe("available");

      const preview = await stack.preview({ onOutput });
      expect(preview.changeSummary).not.toHaveProperty("replace");
      expect(preview.changeSummary).not.toHaveProperty("update");
    } finally {
      await stack.destroy({ onOutput });
      await stack.workspace.removeStack("live");
      rmSync(workDir, { recursive: true, force: true });
    }
    const after = await ec2.send(
      new DescribeImagesCommand({ Owners: ["self"], Filters: [{ Name: "image-id", Values: [imageId] }] }),
    );
    expect(after.Images ?? []).toEqual([]);
    ec2.destroy();
  });
});
