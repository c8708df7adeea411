import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type TerraformLaunch, terraformLaunchKey } from "../../provider/fleet/plan";

// The CDKTF fleet's generation key is computed by Terraform at apply; terraformLaunchKey must compute the
// same. Terraform itself is the oracle: `terraform console` evaluates the construct's expression.
const dir = mkdtempSync(join(tmpdir(), "kiln-tf-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function terraformKey(launch: TerraformLaunch): string {
  writeFileSync(
    join(dir, "launch.json"),
    JSON.stringify([launch.imageId, launch.instanceType, launch.userData, launch.securityGroupIds]),
  );
  writeFileSync(
    join(dir, "main.tf"),
    `locals {
  l   = jsondecode(file("launch.json"))
  key = substr(sha256(jsonencode([local.l[0], local.l[1], local.l[2], sort(local.l[3])])), 0, 8)
}
`,
  );
  const out = execFileSync("terraform", ["console"], { cwd: dir, input: "local.key\n", encoding: "utf8" });
  return JSON.parse(out.trim());
}

describe("terraformLaunchKey", () => {
  it.each([
    ["plain", { imageId: "ami-1", instanceType: "t3.micro", userData: "#!/bin/sh\n", securityGroupIds: [] }],
    [
      "user data with <, >, &, tabs, U+2028 and non-ASCII; groups out of order",
      {
        imageId: "ami-0fedcba9876543210",
        instanceType: "m7g.large",
        userData: "#!/bin/sh\necho '<h1>' > /srv/index.html && echo \"é\t\u2028\" >> /srv/index.html\n",
        securityGroupIds: ["sg-b", "sg-a", "sg-10"],
      },
    ],
  ])("agrees with Terraform's substr(sha256(jsonencode(…)), 0, 8): %s", (_name, launch) => {
    expect(terraformLaunchKey(launch)).toBe(terraformKey(launch));
  });
});
