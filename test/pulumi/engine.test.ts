import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DeregisterImageCommand } from "@aws-sdk/client-ec2";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BakedImage } from "../../provider/pulumi";
import { type CountingProxy, startCountingProxy } from "../fixtures/counting-proxy";
import { engineStack, exportedStack, filesUnder, Recorder } from "./engine";
import { amiTags, ebsArgs, leftovers, REGION, useEnv } from "./harness";

// BakedImage under the real Pulumi CLI (Automation API, `file://` backend) against moto and a local
// OpenSSH server: what a user's `pulumi up`, `preview`, `refresh` and `destroy` do.
const env = useEnv();
const SECRET = "s3cret-token-4f9c2e";
let proxy: CountingProxy;

beforeAll(async () => {
  proxy = await startCountingProxy(env().moto.endpoint);
});
afterAll(() => proxy?.close());

const MINUTES = 60_000;

describe("BakedImage under the real Pulumi engine", () => {
  it("up bakes and streams the build; preview shows nothing, an update or a replacement; destroy leaves nothing", {
    timeout: 8 * MINUTES,
  }, async () => {
    const e = env();
    const settings = { tags: { team: "web" } };
    writeFileSync(join(e.work, "build.sh"), "echo building v1\n");
    const project = await engineStack(
      e.work,
      async () => {
        const token = new pulumi.Config().requireSecret("token");
        const image = new BakedImage("web", {
          amazonEbs: { ...ebsArgs(e), customEndpointEc2: proxy.endpoint },
          provisioners: [
            { type: "shell", script: "build.sh" },
            { type: "shell", inline: ["echo token=$TOKEN"], env: { TOKEN: token } },
          ],
          tags: settings.tags,
          baseDir: e.work,
        });
        return { imageId: image.imageId, manifest: image.manifest };
      },
      { config: { token: { value: SECRET, secret: true } } },
    );
    const { stack, stateDir } = project;

    const up = new Recorder();
    const result = await stack.up(up.opts);
    const imageId = String(result.outputs.imageId?.value);
    expect(imageId).toMatch(/^ami-/);
    expect(result.summary.resourceChanges).toMatchObject({ create: 2 });
    // The build's own output reaches the engine's event stream, redacted.
    expect(up.diagnostics()).toContain("[kiln] amazon-ebs.web:     building v1");
    expect(up.diagnostics()).toMatch(/\[kiln\] amazon-ebs\.web:\s+token=<sensitive>/);
    expect(`${up.output}${up.diagnostics()}`).not.toContain("NodeVersionSupportWarning");
    expect(await amiTags(e.moto, REGION, imageId)).toMatchObject({ team: "web" });

    const noChange = new Recorder();
    const before = proxy.calls.length;
    const unchanged = await stack.preview(noChange.opts);
    expect(unchanged.changeSummary).toEqual({ same: 2 });
    expect(proxy.calls.slice(before)).toEqual([]);

    settings.tags = { team: "platform" };
    expect((await stack.preview()).changeSummary).toEqual({ same: 1, update: 1 });
    writeFileSync(join(e.work, "build.sh"), "echo building v2\n");
    expect((await stack.preview()).changeSummary).toEqual({ same: 1, replace: 1 });

    // The secret is nowhere: state files, the exported stack, event streams, display output.
    const exported = exportedStack(project, e.work);
    const seen = [exported, ...filesUnder(stateDir), JSON.stringify(up.events), up.output, noChange.output];
    for (const text of seen) expect(text).not.toContain(SECRET);
    expect(exported).toContain("ciphertext");

    const down = new Recorder();
    await stack.destroy(down.opts);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("a failing build leaves nothing and the diagnostics name the provisioner; a timeout names the limit", {
    timeout: 6 * MINUTES,
  }, async () => {
    const e = env();
    const { stack } = await engineStack(e.work, async () => {
      new BakedImage("broken", {
        amazonEbs: ebsArgs(e),
        provisioners: [
          { type: "shell", inline: ["echo fine"] },
          { type: "shell", inline: ["echo about to fail", "exit 3"] },
        ],
      });
      new BakedImage("slow", {
        amazonEbs: ebsArgs(e, { amiName: "kiln-slow" }),
        provisioners: [{ type: "shell", inline: ["echo slow", "sleep 30"] }],
        timeout: "3s",
      });
    });
    const up = new Recorder();
    await expect(stack.up(up.opts)).rejects.toThrow();
    const display = up.output;
    expect(display).toMatch(
      /pulumi-nodejs:dynamic\/kiln:BakedImage \(broken\):\n\s+error:.*provisioner shell \(2\/2\)/,
    );
    expect(display).toContain("exited with status 3");
    expect(display).toMatch(/BakedImage \(slow\):\n\s+error:.*(3s|timed out|time limit)/);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("preview fails on invalid input, naming the resource and the property or the template's file:line", {
    timeout: 4 * MINUTES,
  }, async () => {
    const e = env();
    writeFileSync(
      join(e.work, "bad.pkr.hcl"),
      'source "amazon-ebs" "web" {\n  region = "us-east-1"\n  instance_typo = "t3.micro"\n}\nbuild {\n  sources = ["source.amazon-ebs.web"]\n}\n',
    );
    // The engine stops at the first resource that fails its check: one resource per preview.
    let form: "inline" | "template" = "inline";
    const { stack } = await engineStack(e.work, async () => {
      if (form === "inline") new BakedImage("badami", { amazonEbs: ebsArgs(e, { sourceAmi: "not-an-ami" }) });
      else new BakedImage("badtemplate", { template: "bad.pkr.hcl", baseDir: e.work });
    });
    const inline = new Recorder();
    await expect(stack.preview(inline.opts)).rejects.toThrow();
    expect(inline.output).toMatch(/BakedImage \(badami\):\n\s+error: .*resource 'badami'.*amazonEbs\.sourceAmi/);
    form = "template";
    const template = new Recorder();
    await expect(stack.preview(template.opts)).rejects.toThrow();
    expect(template.output).toMatch(/error: .*resource 'badtemplate'.*bad\.pkr\.hcl:3:3: .*instance_typo/);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("two stacks share an image with `reuse`; refresh forgets one deregistered out of band", {
    timeout: 8 * MINUTES,
  }, async () => {
    const e = env();
    writeFileSync(join(e.work, "build.sh"), "echo shared\n");
    const program = async () => {
      const image = new BakedImage("web", {
        amazonEbs: ebsArgs(e),
        provisioners: [{ type: "shell", script: "build.sh" }],
        reuse: true,
        baseDir: e.work,
      });
      return { imageId: image.imageId, adopted: image.adopted };
    };
    const stateDir = join(e.work, "state");
    const a = await engineStack(e.work, program, { stack: "a", stateDir });
    const b = await engineStack(e.work, program, { stack: "b", stateDir });
    const upA = await a.stack.up();
    const upB = await b.stack.up();
    const imageId = String(upA.outputs.imageId?.value);
    expect(upB.outputs).toMatchObject({ imageId: { value: imageId }, adopted: { value: true } });
    expect(upA.outputs.adopted?.value).toBe(false);

    const downA = new Recorder();
    await a.stack.destroy(downA.opts);
    expect((await leftovers(e.moto)).byRegion[REGION]?.images).toEqual([imageId]);

    await e.moto.ec2(REGION).send(new DeregisterImageCommand({ ImageId: imageId }));
    const refreshed = await b.stack.refresh();
    expect(refreshed.summary.resourceChanges).toMatchObject({ delete: 1 });
    const left = (await b.stack.exportStack()).deployment.resources ?? [];
    expect(left.map((r: { type: string }) => r.type)).not.toContain("pulumi-nodejs:dynamic/kiln:BakedImage");
    expect((await b.stack.preview()).changeSummary).toMatchObject({ create: 1 });
  });
});
