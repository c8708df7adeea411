import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { MOTO_CREDENTIALS, SOURCE_AMIS } from "../fixtures/moto";
import { engineEnv, exportedStack, filesUnder, linkCheckoutModules, pulumiCli, Recorder } from "./engine";
import { amiTags, leftovers, REGION, useEnv } from "./harness";

// The examples that use only Kiln's resources, run as their READMEs say: the folder copied, `kiln`
// linked as `npm install` links "file:../..", the real Pulumi CLI on the project directory, against moto
// and the local sshd. (Examples needing @pulumi/aws, whose plugin cannot be had here, run under mocks.)
const ROOT = join(__dirname, "../..");
const env = useEnv();
const SECRET = "template-api-token-8d3b1a";
const MINUTES = 60_000;

/** A copy of examples/<name> with its dependencies installed from this checkout. */
function exampleProject(base: string, name: string): string {
  const dir = join(base, name);
  cpSync(join(ROOT, "examples", name), dir, { recursive: true });
  const modules = join(dir, "node_modules");
  linkCheckoutModules(modules);
  symlinkSync(ROOT, join(modules, "kiln"));
  return dir;
}

describe("examples under the real Pulumi engine", () => {
  it("pulumi-template: up bakes the web source from a noble AMI with its tags; preview shows nothing; destroy leaves nothing", {
    timeout: 8 * MINUTES,
  }, async () => {
    expect(existsSync(join(ROOT, "dist/provider/pulumi/index.js")), "dist/ is built first (make build)").toBe(true);
    const e = env();
    const dir = exampleProject(e.work, "pulumi-template");
    const stateDir = join(e.work, "state");
    mkdirSync(stateDir);
    pulumiCli(dir, e.work, ["login", `file://${stateDir}`]);
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "dev", workDir: dir },
      {
        envVars: {
          ...engineEnv(e.work),
          NODE_OPTIONS: "", // nothing of the repository's: the program loads dist/ through node_modules/kiln
          AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        },
      },
    );
    await stack.setAllConfig({
      "aws:region": { value: REGION },
      apiToken: { value: SECRET, secret: true },
      packages: { value: "" },
      ec2Endpoint: { value: e.moto.endpoint },
      sshHost: { value: e.sshd.host },
      sshPort: { value: String(e.sshd.port) },
      sshUsername: { value: e.sshd.username },
      sshPrivateKeyFile: { value: e.sshd.privateKeyPath },
    });
    await stack.setConfig("buildCidrs[0]", { value: "203.0.113.7/32" }, true);

    const up = new Recorder();
    const result = await stack.up(up.opts);
    const imageId = String(result.outputs.imageId?.value);
    expect(imageId).toMatch(/^ami-/);
    expect(await amiTags(e.moto, REGION, imageId)).toMatchObject({ app: "web", stack: "dev" });
    const instances = await e.moto.ec2(REGION).send(new DescribeInstancesCommand({}));
    expect(instances.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.ImageId)).toEqual([
      SOURCE_AMIS.noble.id,
    ]);
    expect(up.diagnostics()).toMatch(/\[kiln\] amazon-ebs\.web:\s+configured with token <sensitive>/);

    // ami_name carries timestamp(), which is not part of the fingerprint: nothing to do.
    const noChange = new Recorder();
    expect((await stack.preview(noChange.opts)).changeSummary).toEqual({ same: 2 });

    const project = { stack, dir, stateDir };
    const exported = exportedStack(project, e.work);
    const seen = [exported, ...filesUnder(stateDir), readFileSync(join(dir, "Pulumi.dev.yaml"), "utf8")];
    seen.push(JSON.stringify(up.events), up.output, noChange.output);
    for (const text of seen) expect(text).not.toContain(SECRET);
    expect(exported).toContain("ciphertext");

    await stack.destroy(new Recorder().opts);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});
