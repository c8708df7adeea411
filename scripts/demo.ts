/**
 * `make demo`: the whole product on this machine, no cloud account. One CDKTF program
 * (examples/cdktf-fleet) bakes a web server image with Kiln and runs it as an immutable fleet behind a load
 * balancer; then a script edit and a second deploy do the blue/green replacement. moto stands in for AWS
 * (EC2, Auto Scaling, ELBv2) and a local OpenSSH server for the build machine; `cdktf synth` and
 * Terraform with the AWS provider are the real engines. Runs in a copy of the example in a temporary
 * directory: the checkout is left as it was.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CdktfProject, fleetExampleProject, type RunResult } from "../test/fixtures/cdktf-project";
import { fleetLeftovers, groups } from "../test/fixtures/fleet-state";
import { type Moto, startMoto } from "../test/fixtures/moto";
import { startSshd } from "../test/fixtures/sshd";

/** Terraform lines worth showing: Kiln's own (the bake, the rollout), plans and results. */
const SHOWN = /\(local-exec\): \[kiln\]|must be replaced|will be created|will be destroyed|^Plan:|complete!|Error/;

function say(text: string): void {
  process.stdout.write(`\n\x1b[1m${text}\x1b[0m\n`);
}

async function step(what: string, run: () => Promise<RunResult>): Promise<RunResult> {
  const result = await run();
  for (const line of result.output.split("\n")) if (SHOWN.test(line.trim())) process.stdout.write(`  ${line.trim()}\n`);
  process.stdout.write(`  (${what}: ${(result.ms / 1000).toFixed(1)} s)\n`);
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
  return result;
}

async function output(project: CdktfProject, name: string): Promise<string> {
  return (await project.terraform(["output", "-raw", name])).output.trim();
}

/** What became of each image; `serving` is the one the fleet's terraform output names. */
async function describeMoto(moto: Moto, images: readonly string[], serving?: string): Promise<void> {
  const { left } = await fleetLeftovers(moto);
  for (const image of images) {
    const state = !left.images.includes(image)
      ? "deregistered, snapshot deleted"
      : image === serving
        ? "available, serving"
        : "available, kept for a rollback (deleted at the next deploy or at destroy)";
    process.stdout.write(`  image ${image}: ${state}\n`);
  }
  for (const g of await groups(moto)) {
    process.stdout.write(`  group ${g.name}: ${g.desired} desired, instances ${g.instances.join(", ") || "none"}\n`);
  }
  process.stdout.write(
    `  in moto: ${left.images.length} image(s), ${left.snapshots.length} snapshot(s), ${left.groups.length} group(s), ` +
      `${left.launchTemplates.length} launch template(s), ${left.targetGroups.length} target group(s), ` +
      `${left.loadBalancers.length} load balancer(s), ${left.instances.length} instance(s), ` +
      `${left.keyPairs.length} key pair(s)\n`,
  );
}

async function main(): Promise<void> {
  say("Starting moto (AWS emulator) and a local sshd (the build machine)…");
  const [moto, sshd] = await Promise.all([startMoto(), startSshd()]);
  const site = `/tmp/kiln-demo-site-${process.pid}`;
  const project = fleetExampleProject("cdktf", moto, sshd, {
    siteMessage: "a secret the build uses",
    siteDir: site,
    bakeTime: "2s",
  });
  try {
    say(`Deploy 1: cdktf synth, terraform apply (in ${project.dir})`);
    await step("cdktf synth", () => project.synth());
    await step("terraform init", () => project.terraform(["init", "-input=false"]));
    await step("terraform apply", () => project.terraform(["apply", "-auto-approve"]));
    const first = { image: await output(project, "image_id"), group: await output(project, "group") };
    process.stdout.write(`  image ${first.image}, group ${first.group}\n`);

    say("Editing scripts/web.sh (VERSION=2): the fingerprint changes, so the image and its generation are replaced");
    const script = join(project.dir, "scripts/web.sh");
    writeFileSync(script, readFileSync(script, "utf8").replace(/^VERSION=1$/m, "VERSION=2"));
    await step("cdktf synth", () => project.synth());
    say(
      "Deploy 2: new image → new group healthy → traffic moved (50 %, then 100 %) → old group gone " +
        "(the old image stays for a rollback until the next deploy)",
    );
    await step("terraform apply", () => project.terraform(["apply", "-auto-approve"]));
    const second = { image: await output(project, "image_id"), group: await output(project, "group") };
    process.stdout.write(`  image ${first.image} → ${second.image}\n  group ${first.group} → ${second.group}\n`);
    say("What moto holds now");
    await describeMoto(moto, [first.image, second.image], second.image);

    say("terraform destroy: the image is deregistered and its snapshot deleted by Kiln");
    await step("terraform destroy", () => project.terraform(["destroy", "-auto-approve"]));
    await describeMoto(moto, [first.image, second.image]);
  } catch (error) {
    // moto answers HTTP 500 with an HTML page when it fails; its traceback says why.
    process.stderr.write(`moto's log ends with:\n${moto.log().slice(-3000)}\n`);
    throw error;
  } finally {
    project.remove();
    rmSync(site, { recursive: true, force: true });
    await Promise.all([moto.stop(), sshd.stop()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
