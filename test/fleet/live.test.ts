import { DescribeImagesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { rollout } from "../../provider/fleet/rollout";
import { LIVE_REGION, liveAwsSkipReason } from "../fixtures/live-aws";
import { sdkFleet } from "./moto-fleet";

// One real cutover in an AWS account: a VPC, an internal ALB, two generations of one t3.micro each
// (Amazon Linux 2023 serving HTTP on port 80 from user data), 50 % then 100 % with a short bake, then
// everything deleted. Costs money: runs only with KILN_LIVE_AWS=1 and credentials; elsewhere it is skipped
// and says why.
const reason = liveAwsSkipReason("starts a load balancer and EC2 instances");
if (reason) console.log(`live fleet test skipped: ${reason}`);

const SERVE = "#!/bin/sh\nmkdir -p /srv && cd /srv && echo ok > index.html && nohup python3 -m http.server 80 &\n";

describe.skipIf(reason !== undefined)("live: fleet cutover", () => {
  it(`waits for real target health, steps the listener, leaves nothing${reason ? ` (skipped: ${reason})` : ""}`, {
    timeout: 40 * 60_000,
  }, async () => {
    const ec2 = new EC2Client({ region: LIVE_REGION });
    const images = await ec2.send(
      new DescribeImagesCommand({
        Owners: ["amazon"],
        Filters: [{ Name: "name", Values: ["al2023-ami-2023.*-x86_64"] }],
      }),
    );
    const [newest, older] = (images.Images ?? []).sort((a, b) =>
      String(b.CreationDate).localeCompare(String(a.CreationDate)),
    );
    const fleet = await sdkFleet({ region: LIVE_REGION }, `kiln-live-${Date.now().toString(36)}`);
    try {
      const a = await fleet.generation(older?.ImageId as string, 1, SERVE);
      const base = {
        fleet: "live",
        region: LIVE_REGION,
        capacity: { min: 1, max: 1, desired: 1 },
        listenerArn: fleet.listenerArn,
      };
      await rollout({ ...base, target: a, health: { timeout: "10m", pollInterval: "10s" } }, { log: console.log });
      const b = await fleet.generation(newest?.ImageId as string, 1, SERVE);
      const result = await rollout(
        {
          ...base,
          target: b,
          previous: a,
          canarySteps: [50],
          bakeTime: "30s",
          health: { timeout: "10m", pollInterval: "10s" },
        },
        { log: console.log },
      );
      expect(result.steps.map((s) => s.newWeight)).toEqual([50, 100]);
      expect(await fleet.weights()).toEqual({ [b.targetGroupArn]: 100 });
    } finally {
      await fleet.removeAll();
      fleet.destroy();
      ec2.destroy();
    }
  });
});
