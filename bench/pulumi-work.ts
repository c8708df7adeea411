/**
 * How often one `pulumi up` that creates a BakedImage, then one `pulumi preview` with nothing changed,
 * load the template, validate the build and fingerprint its files, per process and per operation (issue
 * 9: "once per operation"). The real Pulumi CLI with a `file://` backend; a `null` source with a
 * shell-local script, so nothing needs a cloud. Counted from the `kiln:work` diagnostics channel, which
 * bench/work-counter.cjs writes to a file in every Node process the run starts (the program runs in
 * this one). Run: `bash scripts/run.sh npx tsx bench/pulumi-work.ts`.
 */
import { subscribe } from "node:diagnostics_channel";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { WORK_CHANNEL, type WorkEvent } from "../provider/engine/trace";
import { BakedImage } from "../provider/pulumi";
import { engineEnv } from "../test/pulumi/engine";

const ROOT = resolve(__dirname, "..");

const TEMPLATE = `
source "null" "box" {
  communicator = "none"
}

build {
  sources = ["source.null.box"]
  provisioner "shell-local" {
    script = "build.sh"
  }
}
`;

type Logged = WorkEvent & { pid: number };

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), "kiln-work-"));
  const dir = mkdtempSync(join(base, "project-"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  writeFileSync(join(dir, "web.pkr.hcl"), TEMPLATE);
  writeFileSync(join(dir, "build.sh"), "#!/bin/sh\necho baked\n", { mode: 0o755 });
  mkdirSync(join(base, "state"));
  const logFile = join(base, "work.log");
  writeFileSync(logFile, "");
  // The program runs in this process.
  subscribe(WORK_CHANNEL, (event) =>
    writeFileSync(logFile, `${JSON.stringify({ pid: process.pid, ...(event as WorkEvent) })}\n`, { flag: "a" }),
  );
  const env = engineEnv(base);
  const stack = await LocalWorkspace.createOrSelectStack(
    {
      stackName: "dev",
      projectName: "kiln-work",
      program: async () => {
        const image = new BakedImage("web", { template: "web.pkr.hcl", baseDir: dir });
        return { imageId: image.imageId };
      },
    },
    {
      workDir: dir,
      projectSettings: { name: "kiln-work", runtime: "nodejs", backend: { url: `file://${join(base, "state")}` } },
      envVars: {
        ...env,
        KILN_WORK_LOG: logFile,
        NODE_OPTIONS: `${env.NODE_OPTIONS} --require ${join(ROOT, "bench/work-counter.cjs")}`,
      },
    },
  );
  try {
    for (const [what, run] of [
      ["pulumi up (create)", () => stack.up()],
      ["pulumi preview (no change)", () => stack.preview()],
    ] as const) {
      writeFileSync(logFile, "");
      await run();
      console.log(`${what}:`);
      const lines = readFileSync(logFile, "utf8").split("\n").filter(Boolean);
      console.log(table(lines.map((line) => JSON.parse(line) as Logged)));
    }
    await stack.destroy();
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** Rows `process / operation`, columns load, validate, fingerprint. */
function table(events: readonly Logged[]): string {
  const rows = new Map<string, Record<string, number>>();
  const current = new Map<number, string>();
  for (const e of events) {
    const process = e.pid === globalThis.process.pid ? "program" : `provider ${e.pid}`;
    if (e.kind === "operation") {
      current.set(e.pid, e.subject);
      rows.set(`${process} / ${e.subject}`, rows.get(`${process} / ${e.subject}`) ?? {});
      continue;
    }
    const key = `${process} / ${current.get(e.pid) ?? "-"}`;
    const row = rows.get(key) ?? {};
    row[e.kind] = (row[e.kind] ?? 0) + 1;
    rows.set(key, row);
  }
  const kinds = ["template-load", "validate", "fingerprint"] as const;
  const lines = [`| process / operation | ${kinds.join(" | ")} |`, `| --- |${kinds.map(() => " ---:|").join("")}`];
  for (const [key, row] of rows) lines.push(`| ${key} | ${kinds.map((k) => row[k] ?? 0).join(" | ")} |`);
  return lines.join("\n");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
