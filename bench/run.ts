/**
 * `make bench`: runs the same .pkr.hcl templates with the null builder against a local sshd through
 * Debian's packer and through kiln, alternating, and prints medians and kiln/packer ratios for wall time
 * and peak memory. Targets: (a) 40 inline shell provisioners ≤ 0.1, (b) one 50 MB upload ≤ 0.8.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { type SshdHandle, startSshd } from "../test/fixtures/sshd";

const run = promisify(execFile);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KILN = resolve(__dirname, "../provider/cli/kiln.js");

interface Case {
  readonly name: string;
  readonly target: number;
  readonly template: (sshd: SshdHandle, dir: string) => string;
}

const source = (sshd: SshdHandle) => `source "null" "bench" {
  ssh_host             = "${sshd.host}"
  ssh_port             = ${sshd.port}
  ssh_username         = "${sshd.username}"
  ssh_private_key_file = "${sshd.privateKeyPath}"
}
`;

const cases: Case[] = [
  {
    name: "(a) 40 inline shell provisioners",
    target: 0.1,
    template: (sshd) =>
      `${source(sshd)}build {\n  sources = ["source.null.bench"]\n${Array.from(
        { length: 40 },
        (_, i) => `  provisioner "shell" {\n    inline = ["echo step ${i}"]\n  }\n`,
      ).join("")}}\n`,
  },
  {
    name: "(b) one 50 MB file upload",
    target: 0.8,
    template: (sshd, dir) => {
      writeFileSync(join(dir, "payload.bin"), Buffer.alloc(50 * 1024 * 1024, 0x5a));
      return `${source(sshd)}build {\n  sources = ["source.null.bench"]\n  provisioner "file" {\n    source      = "${join(dir, "payload.bin")}"\n    destination = "${join(dir, "uploaded.bin")}"\n  }\n}\n`;
    },
  },
];

/** Wall time (s) and peak RSS (KiB) of one command, measured by GNU time. */
async function measure(argv: string[], cwd: string): Promise<{ seconds: number; maxRssKb: number }> {
  const stats = join(cwd, "time.txt");
  const t0 = process.hrtime.bigint();
  await run("/usr/bin/time", ["-f", "%M", "-o", stats, ...argv], {
    cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", PACKER_NO_COLOR: "1", NO_COLOR: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, maxRssKb: Number(readFileSync(stats, "utf8").trim().split("\n").pop()) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

async function main() {
  const sshd = await startSshd();
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-"));
  let failed = false;
  try {
    console.log(`kiln vs packer ${(await run("packer", ["version"])).stdout.trim()}, ${RUNS} runs each, alternating\n`);
    for (const c of cases) {
      const template = join(dir, "bench.pkr.hcl");
      writeFileSync(template, c.template(sshd, dir));
      const packer: { seconds: number; maxRssKb: number }[] = [];
      const kiln: { seconds: number; maxRssKb: number }[] = [];
      for (let i = 0; i < RUNS; i++) {
        packer.push(await measure(["packer", "build", template], dir));
        kiln.push(await measure([process.execPath, KILN, "build", template], dir));
      }
      const p = median(packer.map((m) => m.seconds));
      const k = median(kiln.map((m) => m.seconds));
      const pm = median(packer.map((m) => m.maxRssKb));
      const km = median(kiln.map((m) => m.maxRssKb));
      const ratio = k / p;
      const ok = ratio <= c.target;
      failed ||= !ok;
      console.log(c.name);
      console.log(`  packer  median ${p.toFixed(2)} s   peak RSS ${(pm / 1024).toFixed(0)} MiB`);
      console.log(`  kiln    median ${k.toFixed(2)} s   peak RSS ${(km / 1024).toFixed(0)} MiB`);
      console.log(
        `  ratio kiln/packer: time ${ratio.toFixed(3)} (target ≤ ${c.target}: ${ok ? "met" : "MISSED"}), memory ${(km / pm).toFixed(2)}\n`,
      );
    }
  } finally {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
