import { CreateKeyPairCommand, CreateSecurityGroupCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTO_CREDENTIALS, type Moto, startMoto } from "../fixtures/moto";
import { kiln } from "./run-kiln";

// `kiln cleanup` against moto: leftovers of a "killed" build, tagged with its build ID, are removed;
// other resources are not.
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

/** `kiln` with moto's credentials, as a user's shell would have real ones. */
const kilnWithMoto = (args: string[]) =>
  kiln(args, {
    env: { AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey },
  });

describe("kiln cleanup", () => {
  it("removes what carries the build ID and nothing else", async () => {
    const ec2 = moto.ec2("us-east-1");
    const tagged = (id: string) => [{ ResourceType: "key-pair" as const, Tags: [{ Key: "kiln:build-id", Value: id }] }];
    await ec2.send(
      new CreateKeyPairCommand({ KeyName: "killed-build-key", TagSpecifications: tagged("kiln-dead0001") }),
    );
    await ec2.send(
      new CreateKeyPairCommand({ KeyName: "someone-elses-key", TagSpecifications: tagged("kiln-alive002") }),
    );
    await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: "killed-build-sg",
        Description: "left by a killed build",
        TagSpecifications: [
          { ResourceType: "security-group", Tags: [{ Key: "kiln:build-id", Value: "kiln-dead0001" }] },
        ],
      }),
    );

    const run = await kilnWithMoto([
      "cleanup",
      "--build-id",
      "kiln-dead0001",
      "--region",
      "us-east-1",
      "--endpoint",
      moto.endpoint,
    ]);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/removed keyPair killed-build-key|removed key.*killed-build-key/i);
    // Each removal is reported once, as it happens.
    const removals = run.stdout.split("\n").filter((line) => /: removed \w+ /.test(line));
    expect(removals.filter((line) => line.includes("killed-build-key"))).toHaveLength(1);
    expect(removals.filter((line) => /removed securityGroup sg-/.test(line))).toHaveLength(1);
    expect(removals).toHaveLength(2);
    const left = await moto.countLeftovers("us-east-1");
    expect(left.keyPairs).toEqual(["someone-elses-key"]);
    expect(left.securityGroups).toEqual([]);

    const again = await kilnWithMoto([
      "cleanup",
      "--build-id",
      "kiln-dead0001",
      "--region",
      "us-east-1",
      "--endpoint",
      moto.endpoint,
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("0 resource(s) of build kiln-dead0001 removed");
  });

  it("requires the build ID and a region", async () => {
    const run = await kilnWithMoto(["cleanup", "--build-id", "kiln-x"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("--region");
  });
});
