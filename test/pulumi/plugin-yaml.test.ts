import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { leftovers, REGION, useEnv } from "./harness";
import {
  amazonEbs,
  missing,
  PLUGIN_DIR,
  plannedSteps,
  pluginProject,
  pulumi,
  pulumiRunning,
  ROOT,
  TOKEN,
} from "./plugin-harness";

// `pulumi-resource-kiln` under the real Pulumi CLI, driven by a Pulumi YAML program (the YAML language
// host from pulumi-yaml v1.25.0, built by setup): the same BakedImage as the Node dynamic resource,
// against moto and the local sshd.
const env = useEnv();
const MINUTES = 60_000;

/** A YAML program baking one image; its shell script and a secret environment value come from the test. */
function yamlProgram(e: ReturnType<typeof env>, provisioner: Record<string, unknown>): string {
  const web = {
    type: "kiln:index:BakedImage",
    properties: {
      amazonEbs: { ...amazonEbs(e), secretKey: { "fn::secret": amazonEbs(e).secretKey } },
      provisioners: [{ ...provisioner, env: { TOKEN: { "fn::secret": TOKEN } } }],
      tags: { team: "web" },
    },
  };
  // Pulumi YAML's own interpolation, not JavaScript's.
  const outputs = { imageId: "$" + "{web.imageId}", manifest: "$" + "{web.manifest}" };
  return stringify({ resources: { web }, outputs });
}

describe.skipIf(missing("pulumi-language-yaml"))("pulumi-resource-kiln from a Pulumi YAML program", () => {
  it("up bakes, a script edit previews a replacement, destroy leaves nothing; secrets stay secret", {
    timeout: 6 * MINUTES,
  }, async () => {
    const e = env();
    const dir = await pluginProject(e.work, "kiln-yaml", "runtime: yaml", {
      "Pulumi.yaml": yamlProgram(e, { type: "shell", script: "./setup.sh" }),
      "setup.sh": 'echo "installing, token $TOKEN"\n',
    });

    const up = await pulumi(dir, e.work, ["up", "--yes", "--skip-preview"]);
    // The build's lines stream under the resource, with the secret redacted.
    expect(up).toContain("[kiln] amazon-ebs.web: ==>");
    expect(up).toContain("installing, token");
    expect(up).not.toContain(TOKEN);
    const imageId = (await pulumi(dir, e.work, ["stack", "output", "imageId"])).trim();
    expect(imageId).toMatch(/^ami-/);
    expect((await leftovers(e.moto)).byRegion[REGION]).toMatchObject({ instances: [], images: [imageId] });
    expect(await pulumi(dir, e.work, ["stack", "output", "manifest"])).toContain("[secret]");
    const state = await pulumi(dir, e.work, ["stack", "export"]);
    expect(state).not.toContain(TOKEN);
    expect(state).toContain(imageId);

    // Unchanged: nothing to do (`--show-sames`: the CLI leaves unchanged resources out of `--json` without
    // it, listing only the stack). Script edited: the image is replaced (baked anew before the old goes).
    const unchanged = await pulumi(dir, e.work, ["preview", "--json", "--show-sames"]);
    expect(plannedSteps(unchanged).filter((s) => s.name === "web")).toEqual([
      { op: "same", name: "web", type: "kiln:index:BakedImage" },
    ]);
    writeFileSync(join(dir, "setup.sh"), 'echo "installing nginx too"\n');
    const steps = plannedSteps(await pulumi(dir, e.work, ["preview", "--json"])).filter((s) => s.name === "web");
    expect(steps.map((s) => s.op)).toEqual(["replace"]);

    await pulumi(dir, e.work, ["destroy", "--yes"]);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("a bad input fails the preview naming the property, before any cloud call", { timeout: 2 * MINUTES }, async () => {
    const e = env();
    const dir = await pluginProject(e.work, "kiln-yaml-bad", "runtime: yaml", {
      "Pulumi.yaml": yamlProgram(e, { type: "shell", script: "./missing.sh" }),
    });
    const preview = await pulumi(dir, e.work, ["preview"]).catch((error: Error) => error.message);
    expect(preview).toMatch(/provisioners\[0\]/);
    expect(preview).toContain("missing.sh");
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("a first Ctrl-C stops a bake: the engine's Cancel aborts it, the create fails, nothing is left", {
    timeout: 4 * MINUTES,
  }, async () => {
    const e = env();
    const dir = await pluginProject(e.work, "kiln-yaml-cancel", "runtime: yaml", {
      "Pulumi.yaml": yamlProgram(e, { type: "shell", inline: ["echo sleeping", "sleep 60", "echo slept"] }),
    });
    const up = pulumiRunning(dir, e.work, ["up", "--yes", "--skip-preview"]);
    const deadline = Date.now() + 3 * MINUTES;
    while (!up.state.output.includes("sleeping") && up.child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(up.state.output).toContain("sleeping");
    const pressed = Date.now();
    up.child.kill("SIGINT");
    const [code] = await up.exited;
    const stoppedMs = Date.now() - pressed;
    process.stdout.write(`plugin: pulumi up ended ${stoppedMs} ms after one SIGINT\n`);

    expect(up.state.output).toContain("^C received; cancelling");
    expect(up.state.output).not.toContain("^C received; terminating");
    // The build was cancelled, not run to its end, and the create failed.
    expect(up.state.output).not.toContain("slept");
    expect(up.state.output).toMatch(/cancelled by the Pulumi engine/);
    expect(code).not.toBe(0);
    const state = JSON.parse(await pulumi(dir, e.work, ["stack", "export"])) as {
      deployment: { resources?: { type: string }[] };
    };
    expect((state.deployment.resources ?? []).filter((r) => r.type === "kiln:index:BakedImage")).toEqual([]);
    const left = (await leftovers(e.moto)).byRegion[REGION];
    expect(left).toMatchObject({ instances: [], images: [], snapshots: [], keyPairs: [], securityGroups: [] });
  });

  // The fleet component through the real engine as far as this machine allows: the @pulumi/aws provider
  // plugin cannot be had here (its download is switched off), so the preview stops where the component's
  // AWS children need it. The graph the component builds is tested under mocks (plugin-construct.test.ts).
  const fleetProgram = (capacity: Record<string, number>) =>
    stringify({
      resources: {
        web: {
          type: "kiln:index:ImmutableFleet",
          properties: {
            imageId: "ami-0aaaaaaaaaaaaaaa1",
            instanceType: "t3.micro",
            subnetIds: ["subnet-a", "subnet-b"],
            capacity,
            region: "eu-west-1",
          },
        },
      },
      outputs: { group: "$" + "{web.groupName}" },
    });
  const noDownload = { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" };

  it("an ImmutableFleet reaches the plugin's construct, whose AWS children ask the engine for the aws plugin", {
    timeout: 3 * MINUTES,
  }, async () => {
    const e = env();
    const dir = await pluginProject(e.work, "kiln-yaml-fleet", "runtime: yaml", {
      "Pulumi.yaml": fleetProgram({ min: 2, max: 4 }),
    });
    const preview = await pulumi(dir, e.work, ["preview"], noDownload).catch((error: Error) => error.message);
    expect(preview).not.toContain("has a problem");
    expect(preview).toMatch(/pulumi:providers:aws/);
    expect(preview).toMatch(/resource plugin[^\n]*aws/i);
  });

  it("a bad fleet argument fails the preview at construct, naming it", { timeout: 3 * MINUTES }, async () => {
    const e = env();
    const dir = await pluginProject(e.work, "kiln-yaml-fleet-bad", "runtime: yaml", {
      "Pulumi.yaml": fleetProgram({ min: 3, max: 2 }),
    });
    const preview = await pulumi(dir, e.work, ["preview"], noDownload).catch((error: Error) => error.message);
    expect(preview).toMatch(/ImmutableFleet 'web': \[capacity\] needs min ≤ desired ≤ max, got 3\/3\/2/);
    expect(preview).not.toMatch(/pulumi:providers:aws/);
  });

  it("`pulumi package get-schema` on the plugin returns the committed schema.json", { timeout: MINUTES }, async () => {
    const e = env();
    const schema = await pulumi(ROOT, e.work, ["package", "get-schema", join(PLUGIN_DIR, "pulumi-resource-kiln")]);
    expect(JSON.parse(schema)).toEqual(JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8")));
  });
});
