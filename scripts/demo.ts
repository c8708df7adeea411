/**
 * `make demo`: bakes an AMI end to end on this machine with no AWS account. moto stands in for EC2 and a
 * local OpenSSH server for the instance (an emulated instance has no network), reached through the
 * template's ssh_host/ssh_port, exactly as Packer's override does. Every AWS call and every provisioning
 * step is real; only EC2 itself is emulated.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MOTO_CREDENTIALS, startMoto } from "../test/fixtures/moto";
import { startSshd } from "../test/fixtures/sshd";

const ROOT = resolve(__dirname, "../..");
const KILN = join(ROOT, "dist/provider/cli/kiln.js");
const EXAMPLE = join(ROOT, "examples/amazon-ebs");

async function main(): Promise<number> {
  process.stdout.write("Starting moto (EC2 emulator) and a local sshd (the build instance)…\n");
  const [moto, sshd] = await Promise.all([startMoto(), startSshd()]);
  const site = `/tmp/kiln-demo-${process.pid}`;
  try {
    const args = [
      KILN,
      "build",
      "--var", `ec2_endpoint=${moto.endpoint}`,
      "--var", `copy_regions=["us-west-2"]`,
      "--var", `build_cidrs=["127.0.0.1/32"]`,
      "--var", `ssh_host=${sshd.host}`,
      "--var", `ssh_port=${sshd.port}`,
      "--var", `ssh_username=${sshd.username}`,
      "--var", `ssh_private_key_file=${sshd.privateKeyPath}`,
      "--var", `site_dir=${site}`,
      EXAMPLE,
    ];
    const code = await new Promise<number>((done) => {
      const child = spawn(process.execPath, args, {
        cwd: EXAMPLE,
        stdio: "inherit",
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
        },
      });
      child.on("close", (c) => done(c ?? 1));
    });
    if (code !== 0) return code;
    const manifest = JSON.parse(readFileSync(join(EXAMPLE, "packer-manifest.json"), "utf8"));
    const last = manifest.builds.at(-1);
    process.stdout.write(`\nAMI IDs: ${last.artifact_id}\n`);
    process.stdout.write(`Manifest (${join(EXAMPLE, "packer-manifest.json")}):\n${JSON.stringify(manifest, null, 2)}\n`);
    const left = await moto.countLeftovers("us-east-1");
    process.stdout.write(
      `\nLeft in moto after the build: ${left.instances.length} running instances, ${left.keyPairs.length} key pairs, ` +
        `${left.securityGroups.length} security groups; the AMI and its snapshot stay (${left.images.join(", ")}).\n`,
    );
    process.stdout.write(`The site the provisioners installed is in ${site} on the "instance" (this machine).\n`);
    return 0;
  } finally {
    await Promise.all([moto.stop(), sshd.stop()]);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
