import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { CreateKeyPairCommand, CreateSecurityGroupCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTO_CREDENTIALS, type Moto, startMoto } from "../fixtures/moto";

// `kiln cleanup` against moto: leftovers of a "killed" build, tagged with its build ID, are removed;
// other resources are not.
const KILN = resolve(__dirname, "../../dist/provider/cli/main.js");
let moto: Moto;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

function kiln(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [KILN, ...args], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c;
    });
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

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

    const run = await kiln([
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
    const left = await moto.countLeftovers("us-east-1");
    expect(left.keyPairs).toEqual(["someone-elses-key"]);
    expect(left.securityGroups).toEqual([]);

    const again = await kiln([
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
    const run = await kiln(["cleanup", "--build-id", "kiln-x"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("--region");
  });
});
