/**
 * CDK Terrain end to end: examples/cdktf-fleet moved to CDK Terrain as its README says — the imports of
 * `cdktf`, `@cdktf/provider-aws` and `kiln/cdktf` renamed to `cdktn`, `@cdktn/provider-aws` and
 * `kiln/cdktn`, nothing else — is a native cdktn app: it typechecks, `cdktn synth` (cdktn-cli, Node ≥ 22.19)
 * synthesizes it, and Terraform applies it against moto and the local sshd: the image is baked and the
 * fleet launched from it behind the load balancer; a second plan is empty; destroy leaves nothing in moto.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CdktfProject, fleetExampleProject, ROOT, type RunResult } from "../fixtures/cdktf-project";
import { fleetLeftovers, groups, listenerWeights } from "../fixtures/fleet-state";
import { type Moto, startMoto } from "../fixtures/moto";
import { type SshdHandle, startSshd } from "../fixtures/sshd";
import { engineProblem } from "./engines";

const problem = engineProblem("cdktn");
const REGION = "us-east-1";

/** The migration a CDK Terrain user makes (constructs/cdktf/README.md): three package names in the imports. */
export function asCdkTerrain(source: string): string {
  return source
    .replace(/from "cdktf"/g, 'from "cdktn"')
    .replace(/from "@cdktf\/provider-aws\//g, 'from "@cdktn/provider-aws/')
    .replace(/from "kiln\/cdktf"/g, 'from "kiln/cdktn"');
}

describe.skipIf(problem)(
  `examples/cdktf-fleet as a native CDK Terrain app${problem ? ` (skipped: ${problem})` : ""}`,
  () => {
    let moto: Moto;
    let sshd: SshdHandle;
    let project: CdktfProject;
    const figures: string[] = [];

    beforeAll(async () => {
      [moto, sshd] = await Promise.all([startMoto(), startSshd()]);
      project = fleetExampleProject("cdktn", moto, sshd, {
        siteMessage: "cdktn-site-message",
        siteDir: join(sshd.dir, "site"),
        bakeTime: "1s",
      });
      const main = join(project.dir, "main.ts");
      writeFileSync(main, asCdkTerrain(readFileSync(main, "utf8")));
    }, 120_000);

    afterAll(async () => {
      process.stdout.write(`\ncdktn figures:\n  ${figures.join("\n  ")}\n`);
      project?.remove();
      await Promise.all([moto?.stop(), sshd?.stop()]);
    });

    /** Runs a step, records its time and Terraform's summary line, fails with the output on an error. */
    async function step(name: string, run: () => Promise<RunResult>): Promise<RunResult> {
      const result = await run();
      const summary = /(Apply complete!|Destroy complete!|Plan:|No changes\.)[^\n]*/.exec(result.output)?.[0] ?? "";
      figures.push(`${name}: ${(result.ms / 1000).toFixed(1)} s ${summary}`.trim());
      expect(result.code, `${name}:\n${result.output.slice(-6000)}`).toBe(0);
      return result;
    }

    const output = (name: string) => project.terraform(["output", "-raw", name]).then((r) => r.output.trim());

    it("imports only cdktn, @cdktn/provider-aws and kiln/cdktn, and typechecks against them", async () => {
      const imports = [...readFileSync(join(project.dir, "main.ts"), "utf8").matchAll(/from "([^"]+)"/g)].map(
        (m) => m[1],
      );
      expect(imports.filter((name) => /cdktf/.test(name ?? ""))).toEqual([]);
      expect(imports).toEqual(expect.arrayContaining(["cdktn", "kiln/cdktn", "@cdktn/provider-aws/lib/vpc"]));
      // The app's own node_modules, as `npm install cdktn @cdktn/provider-aws kiln` would give it.
      for (const name of ["cdktn", "@cdktn/provider-aws", "constructs", "@types/node"]) {
        mkdirSync(dirname(join(project.dir, "node_modules", name)), { recursive: true });
        symlinkSync(join(ROOT, "node_modules", name), join(project.dir, "node_modules", name));
      }
      const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
      const run = await promisify(execFile)(process.execPath, [tsc, "-p", project.dir, "--noEmit"]).catch(
        (error: { stdout: string }) => ({ stdout: `tsc failed:\n${error.stdout}` }),
      );
      expect(run.stdout).toBe("");
    }, 120_000);

    it("cdktn synth and terraform apply: the image is baked and the fleet launched from it, traffic on its group", async () => {
      await step("synth", () => project.synth());
      await step("init", () => project.terraform(["init", "-input=false"]));
      const run = await step("apply (create)", () => project.terraform(["apply", "-auto-approve"]));
      expect(run.output).toContain("installed site v1");
      const image = await output("image_id");
      expect(image).toMatch(/^ami-/);
      expect((await moto.countLeftovers(REGION)).images).toEqual([image]);
      const targetGroup = await output("target_group");
      const [group, ...others] = await groups(moto);
      expect(others).toEqual([]);
      expect(group).toMatchObject({ name: await output("group"), desired: 2, targetGroups: [targetGroup] });
      expect(group?.instances).toHaveLength(2);
      expect(await listenerWeights(moto, await output("listener"))).toEqual({ [targetGroup]: 100 });
    }, 600_000);

    it("nothing changed: the second plan is empty", async () => {
      await step("plan (no change)", () => project.terraform(["plan", "-detailed-exitcode"]));
    }, 300_000);

    it("destroy: no image, snapshot, instance, group, template, target group or load balancer left in moto", async () => {
      await step("destroy", () => project.terraform(["destroy", "-auto-approve"]));
      const { left, total } = await fleetLeftovers(moto, REGION);
      expect(left).toMatchObject({ images: [], snapshots: [], instances: [], groups: [], launchTemplates: [] });
      expect(total).toBe(0);
    }, 600_000);
  },
);
