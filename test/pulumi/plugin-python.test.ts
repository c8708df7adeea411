import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, REGION, useEnv } from "./harness";
import {
  amazonEbs,
  generateSdk,
  installPythonSdk,
  missing,
  PYTHON_VENV,
  plannedSteps,
  pluginProject,
  pulumi,
  TOKEN,
} from "./plugin-harness";

// `pulumi-resource-kiln` driven by a Python program through the SDK generated from schema.json (the
// Python language host from sdk/v3 v3.68.0, the `pulumi` package from PyPI in setup's virtualenv).
const env = useEnv();
const MINUTES = 60_000;

const PROGRAM = `import json
import pulumi
import pulumi_kiln as kiln

s = json.load(open("settings.json"))
web = kiln.BakedImage(
    "web",
    amazon_ebs=kiln.AmazonEbsArgs(
        region=s["region"],
        access_key=s["accessKey"],
        secret_key=pulumi.Output.secret(s["secretKey"]),
        custom_endpoint_ec2=s["customEndpointEc2"],
        source_ami=s["sourceAmi"],
        instance_type=s["instanceType"],
        ami_name=s["amiName"],
        temporary_security_group_source_cidrs=s["temporarySecurityGroupSourceCidrs"],
        ssh_host=s["sshHost"],
        ssh_port=s["sshPort"],
        ssh_username=s["sshUsername"],
        ssh_private_key_file=s["sshPrivateKeyFile"],
    ),
    provisioners=[
        kiln.ShellProvisionerArgs(type="shell", script="./setup.sh", env={"TOKEN": pulumi.Output.secret(s["token"])}),
    ],
    tags={"team": "web"},
)
pulumi.export("imageId", web.image_id)
pulumi.export("manifest", web.manifest)
`;

describe.skipIf(missing("pulumi-language-python", "kiln-gen-sdk"))("pulumi-resource-kiln from a Python program", () => {
  it("up bakes, a script edit previews a replacement, destroy leaves nothing; secrets stay secret", {
    timeout: 6 * MINUTES,
  }, async () => {
    const e = env();
    const sdk = await installPythonSdk(await generateSdk("python", join(e.work, "sdk")), join(e.work, "site"));
    const dir = await pluginProject(e.work, "kiln-python", "runtime: python", {
      "__main__.py": PROGRAM,
      "settings.json": JSON.stringify({ ...amazonEbs(e), token: TOKEN }),
      "setup.sh": 'echo "installing, token $TOKEN"\n',
    });
    // The v3.68.0 host does not read the `virtualenv` runtime option from CLI v3.274: it runs the first
    // python on PATH, so the virtualenv goes first there, as `source venv/bin/activate` would do.
    const python = {
      PYTHONPATH: sdk,
      PATH: `${join(PYTHON_VENV, "bin")}:${process.env.PATH}`,
      VIRTUAL_ENV: PYTHON_VENV,
    };

    const up = await pulumi(dir, e.work, ["up", "--yes", "--skip-preview"], python);
    expect(up).toContain("[kiln] amazon-ebs.web: ==>");
    expect(up).toContain("installing, token");
    expect(up).not.toContain(TOKEN);
    const imageId = (await pulumi(dir, e.work, ["stack", "output", "imageId"], python)).trim();
    expect(imageId).toMatch(/^ami-/);
    expect((await leftovers(e.moto)).byRegion[REGION]).toMatchObject({ instances: [], images: [imageId] });
    expect(await pulumi(dir, e.work, ["stack", "output", "manifest"], python)).toContain("[secret]");
    expect(await pulumi(dir, e.work, ["stack", "export"], python)).not.toContain(TOKEN);

    // Unchanged: nothing to do (`--show-sames`, or `--json` lists only the stack).
    const unchanged = await pulumi(dir, e.work, ["preview", "--json", "--show-sames"], python);
    expect(plannedSteps(unchanged).filter((s) => s.name === "web")).toEqual([
      { op: "same", name: "web", type: "kiln:index:BakedImage" },
    ]);
    writeFileSync(join(dir, "setup.sh"), 'echo "installing nginx too"\n');
    const steps = plannedSteps(await pulumi(dir, e.work, ["preview", "--json"], python)).filter(
      (s) => s.name === "web",
    );
    expect(steps.map((s) => s.op)).toEqual(["replace"]);

    await pulumi(dir, e.work, ["destroy", "--yes"], python);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});
