/**
 * CDK Terrain: the cdktn-cli (Node ≥ 22.19) synthesizes an app using `kiln/cdktf` (its App from `cdktf`,
 * see cdktn-app/main.ts for why); Terraform applies it against moto: the image is baked in two
 * regions and a launch template launches from it in the same deploy; a second plan is empty; destroy
 * removes the image and its snapshots in both regions.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMachineEnv, type CdktfProject, cdktfProject } from "../fixtures/cdktf-project";
import { leftoverCount, type Moto, startMoto } from "../fixtures/moto";
import { type SshdHandle, startSshd } from "../fixtures/sshd";
import { engineProblem } from "./engines";

const problem = engineProblem("cdktn");

describe.skipIf(problem)(`a cdktn app with kiln's constructs${problem ? ` (skipped: ${problem})` : ""}`, () => {
  let moto: Moto;
  let sshd: SshdHandle;
  let project: CdktfProject;

  beforeAll(async () => {
    [moto, sshd] = await Promise.all([startMoto(), startSshd()]);
    project = cdktfProject(join(__dirname, "cdktn-app"), {
      cli: "cdktn",
      stack: "hello",
      env: {
        ...buildMachineEnv(moto, sshd),
      },
    });
  }, 120_000);

  afterAll(async () => {
    project?.remove();
    await Promise.all([moto?.stop(), sshd?.stop()]);
  });

  it("cdktn synth, terraform apply, an empty second plan, destroy: nothing left", async () => {
    const synth = await project.synth();
    expect(synth.code, synth.output).toBe(0);
    for (const args of [
      ["init", "-input=false"],
      ["apply", "-auto-approve"],
    ]) {
      const run = await project.terraform(args);
      expect(run.code, run.output.slice(-4000)).toBe(0);
      process.stdout.write(`cdktn: terraform ${args[0]} ${(run.ms / 1000).toFixed(1)} s\n`);
    }
    const image = (await project.terraform(["output", "-raw", "image_id"])).output.trim();
    expect(image).toMatch(/^ami-/);
    expect((await project.terraform(["output", "-raw", "template_image"])).output.trim()).toBe(image);
    expect((await moto.countLeftovers("us-west-2")).images).toHaveLength(1);
    const plan = await project.terraform(["plan", "-detailed-exitcode"]);
    expect(plan.code, plan.output.slice(-4000)).toBe(0);
    const destroy = await project.terraform(["destroy", "-auto-approve"]);
    expect(destroy.code, destroy.output.slice(-4000)).toBe(0);
    for (const region of ["us-east-1", "us-west-2"]) {
      expect(leftoverCount(await moto.countLeftovers(region)), region).toBe(0);
    }
  }, 900_000);
});
