import { join } from "node:path";
import {
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { build, destroyArtifact, loadTemplate } from "../../provider/kiln";
import { LIVE_REGION, liveAwsSkipReason } from "../fixtures/live-aws";

// The demo template against a real AWS account: bakes a small Ubuntu AMI (a t3.micro for a few minutes),
// checks that only the AMI is left, then deletes it. Costs money, so it runs only when asked for with
// KILN_LIVE_AWS=1 and credentials are present; elsewhere it is skipped and says why.
const reason = liveAwsSkipReason("launches a real EC2 instance");
if (reason) console.log(`live AWS test skipped: ${reason}`);

describe.skipIf(reason !== undefined)("live: amazon-ebs in a real account", () => {
  it("bakes the example AMI, leaves nothing temporary, and destroy removes it", { timeout: 45 * 60_000 }, async () => {
    const loaded = await loadTemplate(join(__dirname, "../../examples/amazon-ebs"), {
      vars: { region: LIVE_REGION, site_dir: "/tmp/kiln-site" },
    });
    let buildId = "";
    const result = await build(loaded.builds, {
      onEvent: (e) => {
        if (e.type === "build-started") buildId = e.buildId;
        if (e.type === "message" || e.type === "output") console.log(`[${e.build}] ${"text" in e ? e.text : e.line}`);
      },
    });
    try {
      const [artifact] = result.artifacts;
      expect(artifact?.id).toMatch(new RegExp(`^${LIVE_REGION}:ami-[0-9a-f]+$`));
      // Everything temporary is gone already: nothing else carries the build's tag.
      const ec2 = new EC2Client({ region: LIVE_REGION });
      const byBuild = [{ Name: "tag:kiln:build-id", Values: [buildId] }];
      const instances = await ec2.send(new DescribeInstancesCommand({ Filters: byBuild }));
      const running = (instances.Reservations ?? [])
        .flatMap((r) => r.Instances ?? [])
        .filter((i) => i.State?.Name !== "terminated");
      expect(running).toEqual([]);
      expect((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byBuild }))).SecurityGroups).toEqual([]);
      expect((await ec2.send(new DescribeKeyPairsCommand({ Filters: byBuild }))).KeyPairs).toEqual([]);
    } finally {
      for (const artifact of result.artifacts) await destroyArtifact(artifact);
    }
  });
});
