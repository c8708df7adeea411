/**
 * examples/cdktf-fleet end to end with the real engines: `cdktf synth` (cdktf-cli 0.21), then Terraform
 * 1.11 with the AWS provider against moto, the build machine being the local sshd. One deploy after
 * another, as a user would: an interrupted bake, the first deploy, a no-change plan, a script edit
 * (blue/green), a failing health check (rollback), destroy. Apply times and resource counts are printed.
 *
 * Needs the compiled package (`make test` builds first) and Terraform with the AWS provider mirror
 * (setup's engines, .kiln/env); skips saying so when they are missing.
 */

import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StopInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generationNamesForKey, terraformLaunchKey } from "../../provider/fleet/plan";
import { type CdktfProject, fleetExampleProject, type RunResult } from "../fixtures/cdktf-project";
import { fleetLeftovers, groups, launchOf, listenerWeights } from "../fixtures/fleet-state";
import { type Moto, startMoto } from "../fixtures/moto";
import { type SshdHandle, startSshd } from "../fixtures/sshd";
import { engineProblem } from "./engines";

const SECRET = "s3cret-Site-Message-9f27";
const problem = engineProblem();
const REGION = "us-east-1";

describe.skipIf(problem)(
  `cdktf-fleet deployed by cdktf synth + terraform${problem ? ` (skipped: ${problem})` : ""}`,
  () => {
    let moto: Moto;
    let sshd: SshdHandle;
    let project: CdktfProject;
    const figures: string[] = [];

    beforeAll(async () => {
      [moto, sshd] = await Promise.all([startMoto(), startSshd()]);
      project = fleetExampleProject("cdktf", moto, sshd, {
        siteMessage: SECRET,
        siteDir: join(sshd.dir, "site"),
        bakeTime: "1s",
      });
      await step("synth", () => project.synth());
      await step("init", () => project.terraform(["init", "-input=false"]));
    }, 300_000);

    afterAll(async () => {
      process.stdout.write(`\ncdktf-fleet figures:\n  ${figures.join("\n  ")}\n`);
      if (project && process.env.KILN_KEEP_PROJECT !== "1") project.remove();
      await Promise.all([moto?.stop(), sshd?.stop()]);
    });

    /** The name the planning functions give the generation that group `name`'s launch template boots. */
    async function generationOf(name: string): Promise<string> {
      return generationNamesForKey("web-fleet", terraformLaunchKey(await launchOf(moto, name))).group;
    }

    /** Runs a step, records its time and what Terraform reports, and fails with the output on error. */
    async function step(name: string, run: () => Promise<RunResult>, expectCode = 0): Promise<RunResult> {
      const result = await run();
      if (process.env.KILN_CDKTF_LOGS) {
        const file = `${figures.length}-${name.replace(/\W+/g, "-")}.log`;
        writeFileSync(join(process.env.KILN_CDKTF_LOGS, file), result.output);
      }
      const summary = /(Apply complete!|Destroy complete!|Plan:)[^\n]*/.exec(result.output)?.[0] ?? "";
      figures.push(`${name}: ${(result.ms / 1000).toFixed(1)} s ${summary}`.trim());
      if (result.code !== expectCode) {
        throw new Error(`${name} exited ${result.code} (expected ${expectCode}):\n${result.output.slice(-6000)}`);
      }
      return result;
    }

    function editScript(version: number) {
      const file = join(project.dir, "scripts/web.sh");
      writeFileSync(file, readFileSync(file, "utf8").replace(/^VERSION=\d+$/m, `VERSION=${version}`));
    }

    function output(name: string): Promise<string> {
      return project.terraform(["output", "-raw", name]).then((r) => r.output.trim());
    }

    const BAKE = "terraform_data.web_bake_0BCCFA55";
    const GROUP = "aws_autoscaling_group.web-fleet_group_BBA27FD0";
    const ROLLOUT = String.raw`terraform_data\.web-fleet_rollout_\w+`;
    let first: { image: string; group: string; targetGroup: string; listener: string };
    let previousImage = "";

    it("an interrupted bake (SIGINT to terraform) leaves nothing: the janitor removes what the killed kiln made", async () => {
      const file = join(project.dir, "scripts/web.sh");
      const original = readFileSync(file, "utf8");
      writeFileSync(file, original.replace("set -eu", "set -eu\necho baking slowly; sleep 120"));
      await step("synth (slow script)", () => project.synth());
      let interrupted = false;
      const run = await step(
        "apply, interrupted mid-bake",
        () =>
          project.terraform(["apply", "-auto-approve", `-target=${BAKE}`], {
            onOutput: (all, child) => {
              if (!interrupted && all.includes("baking slowly")) {
                interrupted = true;
                child.kill("SIGINT");
              }
            },
          }),
        1,
      );
      expect(interrupted).toBe(true);
      expect(run.output).toContain("Interrupt received");
      // Terraform SIGKILLs the local-exec process; the janitor standing by finishes the cleanup.
      const left = await eventually(async () => {
        const l = await moto.countLeftovers(REGION);
        return l.instances.length + l.keyPairs.length + l.securityGroups.length + l.images.length + l.snapshots.length
          ? undefined
          : l;
      }, 60_000);
      expect(left).toMatchObject({ instances: [], keyPairs: [], securityGroups: [], images: [], snapshots: [] });
      writeFileSync(file, original);
      await step("synth", () => project.synth());
    }, 300_000);

    it("first deploy: the bake streams during apply, the fleet launches from the image, traffic on its group", async () => {
      const run = await step("apply (create)", () => project.terraform(["apply", "-auto-approve"]));
      // Streamed as it happened, line by line, through Terraform's local-exec output.
      expect(run.output).toMatch(
        new RegExp(`${BAKE} \\(local-exec\\): \\[kiln\\] amazon-ebs\\.web: ==> provisioner shell`),
      );
      expect(run.output).toContain("installed site v1");
      expect(run.output).toContain("with message: <sensitive>");
      expect(run.output).not.toContain(SECRET);
      first = {
        image: await output("image_id"),
        group: await output("group"),
        targetGroup: await output("target_group"),
        listener: await output("listener"),
      };
      expect(first.image).toMatch(/^ami-/);
      // Terraform's sha256/substr names the generation exactly as the planning function does, from what its
      // launch template boots.
      expect(first.group).toBe(await generationOf(first.group));
      expect((await launchOf(moto, first.group)).imageId).toBe(first.image);
      const [group, ...others] = await groups(moto);
      expect(others).toEqual([]);
      expect(group).toMatchObject({ name: first.group, desired: 2, targetGroups: [first.targetGroup] });
      expect(group?.instances).toHaveLength(2);
      expect(await listenerWeights(moto, first.listener)).toEqual({ [first.targetGroup]: 100 });
    }, 600_000);

    it("nothing changed: the plan is empty (no rebake on every deploy), and the secret is nowhere on disk", async () => {
      await step("plan (no change)", () => project.terraform(["plan", "-detailed-exitcode", "-out=tfplan"]));
      const plan = await project.terraform(["show", "-json", "tfplan"]);
      expect(plan.code).toBe(0);
      expect(plan.output).toContain(first.image);
      expect(plan.output).not.toContain(SECRET);
      expect(filesContaining(join(project.dir, "cdktf.out"), SECRET)).toEqual([]);
      expect(project.read("terraform.web.tfstate")).not.toContain(SECRET);
      expect(project.read("terraform.web.tfstate")).toContain("kiln:env:SITE_MESSAGE");
    }, 300_000);

    it("a script edit: plan replaces the image and the generation; apply moves traffic, then retires the old group and image", async () => {
      editScript(2);
      await step("synth (script edit)", () => project.synth());
      const plan = await step("plan (script edit)", () => project.terraform(["plan", "-detailed-exitcode"]), 2);
      expect(plan.output).toContain(`${BAKE} must be replaced`);
      expect(plan.output).toContain(`${GROUP} must be replaced`);
      const run = await step("apply (blue/green)", () => project.terraform(["apply", "-auto-approve"]));
      expect(run.output).toContain(`replaces ${first.group}`);
      expect(run.output).toContain("50% of traffic on");
      const image = await output("image_id");
      const group = await output("group");
      const targetGroup = await output("target_group");
      expect(image).not.toBe(first.image);
      expect(group).toBe(await generationOf(group));
      expect((await groups(moto)).map((g) => [g.name, g.instances.length])).toEqual([[group, 2]]);
      expect(await listenerWeights(moto, first.listener)).toEqual({ [targetGroup]: 100 });
      // Terraform runs no destroy provisioner for a create-before-destroy replacement: the previous image
      // is swept by the next bake (once nothing uses it) or by destroy, not here.
      const left = await moto.countLeftovers(REGION);
      expect([...left.images].sort()).toEqual([first.image, image].sort());
      previousImage = first.image;
      first = { ...first, image, group, targetGroup };
    }, 600_000);

    it("a failing health check: the rollout rolls back, the apply fails, the old group keeps serving", async () => {
      editScript(3);
      project.env.KILN_HEALTH_TIMEOUT = "15s";
      await step("synth (script edit, 15 s health timeout)", () => project.synth());
      let stopped: string[] = [];
      const before = new Set((await groups(moto)).map((g) => g.name));
      const run = await step(
        "apply (unhealthy new generation)",
        () =>
          project.terraform(["apply", "-auto-approve"], {
            onOutput: (all) => {
              // Once the new group exists, stop its instances: their targets become `unused` in moto.
              if (stopped.length || !new RegExp(`${GROUP}: Creation complete`).test(all)) return;
              stopped = ["pending"];
              void groups(moto).then(async (found) => {
                const fresh = found.find((g) => !before.has(g.name));
                stopped = [...(fresh?.instances ?? [])];
                if (stopped.length) await moto.ec2(REGION).send(new StopInstancesCommand({ InstanceIds: stopped }));
              });
            },
          }),
        1,
      );
      expect(stopped.length).toBe(2);
      expect(run.output).toContain("rolling back");
      expect(await listenerWeights(moto, first.listener)).toEqual({ [first.targetGroup]: 100 });
      const now = await groups(moto);
      expect(now.find((g) => g.name === first.group)).toMatchObject({ desired: 2 });
      expect(now.find((g) => g.name === first.group)?.instances).toHaveLength(2);
      expect(now.find((g) => g.name !== first.group)).toMatchObject({ desired: 0 });
      // This deploy's bake swept the image of the generation the last one retired; the serving one stays.
      expect(run.output).toContain("is no longer used");
      const images = (await moto.countLeftovers(REGION)).images;
      expect(images).not.toContain(previousImage);
      expect(images).toContain(first.image);
    }, 600_000);

    it("the apply after a rollback converges: the fixed generation takes over, then the deposed and failed ones go", async () => {
      delete project.env.KILN_HEALTH_TIMEOUT;
      editScript(4);
      await step("synth (fixed script)", () => project.synth());
      const plan = await step("plan (after rollback)", () => project.terraform(["plan", "-detailed-exitcode"]), 2);
      // The rolled-back deploy left the previous generation deposed (still serving) and its rollout tainted.
      expect(plan.output).toMatch(new RegExp(`${GROUP} \\(deposed object \\w+\\) will be destroyed`));
      expect(plan.output).toMatch(new RegExp(`${ROLLOUT} is tainted, so must be replaced`));
      const serving = watchServing(first.listener, () => moto);
      const run = await step("apply (after rollback)", () => project.terraform(["apply", "-auto-approve"])).finally(
        () => serving.stop(),
      );
      // The deposed generation, serving until now, is destroyed only after the new rollout moved traffic.
      const rolledOut = run.output.search(new RegExp(`${ROLLOUT}: Creation complete`));
      const deposedGone = run.output.search(new RegExp(`${GROUP} \\(deposed object \\w+\\): Destroying`));
      expect(rolledOut).toBeGreaterThan(0);
      expect(deposedGone).toBeGreaterThan(rolledOut);
      const watched = await serving.result();
      expect(watched.polls).toBeGreaterThan(3);
      expect(watched.gaps).toEqual([]);
      const image = await output("image_id");
      const group = await output("group");
      const targetGroup = await output("target_group");
      expect(group).toBe(await generationOf(group));
      expect((await groups(moto)).map((g) => [g.name, g.instances.length])).toEqual([[group, 2]]);
      expect(await listenerWeights(moto, first.listener)).toEqual({ [targetGroup]: 100 });
      const { left } = await fleetLeftovers(moto, REGION);
      expect(left.targetGroups).toHaveLength(1);
      expect(left.launchTemplates).toHaveLength(1);
      // Converged: nothing deposed or tainted is left in the state, the next plan is empty.
      await step("plan (converged)", () => project.terraform(["plan", "-detailed-exitcode"]));
      // The images of the two retired generations lose their last user in this apply, after its bake swept:
      // the next bake or destroy deletes them (Terraform runs no destroy provisioner for a replaced bake).
      expect(left.images).toContain(image);
      expect(left.images.length).toBeLessThanOrEqual(3);
    }, 900_000);

    it("destroy: every image, snapshot, group, template, target group and load balancer is gone", async () => {
      await step("destroy", () => project.terraform(["destroy", "-auto-approve"]));
      const { left, total } = await fleetLeftovers(moto, REGION);
      expect(left).toMatchObject({ images: [], snapshots: [], groups: [], launchTemplates: [], targetGroups: [] });
      expect(total).toBe(0);
    }, 600_000);
  },
);

/**
 * Polls, one request at a time, that every target group the listener sends traffic to has a group with
 * instances behind it; `result()` lists each moment it did not (the serving group must never stop serving)
 * and how many polls got an answer.
 */
function watchServing(listenerArn: string, moto: () => Moto) {
  const gaps: string[] = [];
  let polls = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const weights = await listenerWeights(moto(), listenerArn);
        const found = await groups(moto());
        for (const [targetGroup, weight] of Object.entries(weights)) {
          const behind = found.filter((g) => g.targetGroups.includes(targetGroup) && g.instances.length > 0);
          if (weight > 0 && !behind.length)
            gaps.push(`${new Date().toISOString()} ${targetGroup} (${weight}) has no instances`);
        }
        if (!Object.keys(weights).length) gaps.push(`${new Date().toISOString()} the listener forwards nowhere`);
        polls++;
      } catch {
        // moto busy (HTTP 500 under concurrent requests): the next poll looks again.
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  })();
  return {
    stop: () => {
      running = false;
    },
    result: async () => {
      await loop;
      return { gaps, polls };
    },
  };
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Files under `dir` whose text contains `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesContaining(path, needle);
    return readFileSync(path).includes(needle) ? [path] : [];
  });
}
