/**
 * `make demo`: bakes an AMI end to end on this machine with no AWS account. moto stands in for EC2 and a
 * local OpenSSH server for the instance (an emulated instance has no network), reached through the
 * template's ssh_host/ssh_port, exactly as Packer's override does. Every AWS call and every provisioning
 * step is real; only EC2 itself is emulated. The example is built from a copy in a temporary directory,
 * so what the build writes (its manifest) stays out of the checkout.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { MOTO_CREDENTIALS, startMoto } from "../test/fixtures/moto";
import { startSshd } from "../test/fixtures/sshd";

const ROOT = resolve(__dirname, "../..");
const KILN = join(ROOT, "dist/provider/cli/kiln.js");
const EXAMPLE = join(ROOT, "examples/amazon-ebs");

async function main(): Promise<number> {
  process.stdout.write("Starting moto (EC2 emulator) and a local sshd (the build instance)…\n");
  const [moto, sshd] = await Promise.all([startMoto(), startSshd()]);
  // The copy of the example the build runs from, and the directory the "instance" installs the site in.
  const work = mkdtempSync(join(tmpdir(), "kiln-demo-"));
  const example = join(work, "amazon-ebs");
  const site = join(work, "site");
  cpSync(EXAMPLE, example, { recursive: true, filter: (from) => !from.endsWith("packer-manifest.json") });
  const vars = {
    ec2_endpoint: moto.endpoint,
    copy_regions: '["us-west-2"]',
    build_cidrs: '["127.0.0.1/32"]',
    ssh_host: sshd.host,
    ssh_port: String(sshd.port),
    ssh_username: sshd.username,
    ssh_private_key_file: sshd.privateKeyPath,
    site_dir: site,
  };
  try {
    const args = [KILN, "build", ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}=${v}`]), example];
    const code = await new Promise<number>((done) => {
      const child = spawn(process.execPath, args, {
        cwd: example,
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
    const manifestPath = join(example, "packer-manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    const last = manifest.builds.at(-1);
    process.stdout.write(`\nAMI IDs: ${last.artifact_id}\n`);
    process.stdout.write(`Manifest (${manifestPath}):\n${JSON.stringify(manifest, null, 2)}\n`);
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
