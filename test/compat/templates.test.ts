// Whole templates, built by Debian's packer 1.6.6 and by the compiled kiln against the same local sshd,
// each in its own copy of the template folder. What each left behind — files on the target and locally,
// their modes and contents, the manifests — must agree after the normalisation in harness/snapshot.ts.
// Known differences are listed, with both sides asserted, in expected-differences.ts.
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SshdHandle, startSshd } from "../fixtures/sshd";
import { TEMPLATE_CASES, type TemplateCase } from "./cases";
import { EXPECTED_DIFFERENCES } from "./expected-differences";
import { diffSnapshots, type Snapshot, snapshot } from "./harness/snapshot";
import { KILN, PACKER, type Run, runTool, type Tool } from "./harness/tools";

const TEMPLATES = join(__dirname, "templates");
const TOOLS: readonly Tool[] = ["packer", "kiln"];
/** Builds running at once: 2 cores, and each build mostly waits on ssh. */
const CONCURRENCY = 3;

interface Outcome {
  readonly run: Run;
  readonly snapshot: Snapshot;
}

let sshd: SshdHandle;
let work: string;
const outcomes = new Map<string, Outcome>();
const agreeing: string[] = [];
const disagreeing: string[] = [];

function limiter(max: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => queue.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

async function buildWith(tool: Tool, c: TemplateCase): Promise<Outcome> {
  const root = join(work, tool, c.name);
  cpSync(join(TEMPLATES, c.folder ?? c.name), root, { recursive: true, verbatimSymlinks: true });
  for (const [file, mode] of Object.entries(c.chmod ?? {})) chmodSync(join(root, file), mode);
  mkdirSync(join(root, "target"));
  const now = Date.now();
  const run = await runTool(tool, {
    command: "build",
    template: c.template ?? ".",
    cwd: join(root, c.cwd ?? "."),
    vars: {
      dest: join(root, "target"),
      ssh_port: String(sshd.port),
      ssh_username: sshd.username,
      ssh_key: sshd.privateKeyPath,
      ...c.vars,
    },
    varFiles: c.varFiles,
    only: c.only,
    except: c.except,
    parallelBuilds: c.parallelBuilds,
    env: c.env,
    home: join(work, "home"),
  });
  return { run, snapshot: snapshot(root, { root, now }) };
}

function tail(text: string, lines = 25): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

describe.skipIf(!existsSync(PACKER))("real templates: kiln build against packer 1.6.6 build", () => {
  beforeAll(async () => {
    if (!existsSync(KILN)) throw new Error(`${KILN} is missing: compile first (npx tsc -p tsconfig.json)`);
    sshd = await startSshd();
    work = mkdtempSync(join(tmpdir(), "kiln-compat-"));
    mkdirSync(join(work, "home"));
    const limit = limiter(CONCURRENCY);
    await Promise.all(
      TEMPLATE_CASES.flatMap((c) =>
        TOOLS.map((tool) => limit(async () => outcomes.set(`${tool}:${c.name}`, await buildWith(tool, c)))),
      ),
    );
  }, 240_000);

  afterAll(async () => {
    const listed = new Set(EXPECTED_DIFFERENCES.map((d) => d.template));
    const exact = agreeing.filter((name) => !listed.has(name)).length;
    const folders = new Set(TEMPLATE_CASES.map((c) => c.folder ?? c.name)).size;
    console.log(
      `compat templates: ${TEMPLATE_CASES.length} cases (${folders} templates); ${agreeing.length} agree with packer 1.6.6 ` +
        `(${exact} exactly, ${agreeing.length - exact} apart from listed expected differences), ` +
        `${disagreeing.length} disagree; ${EXPECTED_DIFFERENCES.length} expected differences asserted on both sides`,
    );
    await sshd?.stop();
    if (work && !process.env.KILN_KEEP_COMPAT) rmSync(work, { recursive: true, force: true });
  });

  it("lists expected differences only for cases it runs, each with a reason", () => {
    for (const d of EXPECTED_DIFFERENCES) {
      expect(TEMPLATE_CASES.map((c) => c.name)).toContain(d.template);
      expect(d.why.length).toBeGreaterThan(10);
    }
  });

  it.each(TEMPLATE_CASES.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const packer = outcomes.get(`packer:${name}`);
    const kiln = outcomes.get(`kiln:${name}`);
    if (!packer || !kiln) throw new Error(`${name} did not run`);
    const expected = EXPECTED_DIFFERENCES.filter((d) => d.template === name);
    const problems: string[] = [];

    const statusOf = (o: Outcome) => String(o.run.code);
    const exitExpected = expected.find((d) => d.path === "<exit>");
    const wantExit = String(c.exitCode ?? 0);
    if (!exitExpected) {
      if (statusOf(packer) !== wantExit) problems.push(`packer exited ${statusOf(packer)}, expected ${wantExit}`);
      if (statusOf(kiln) !== wantExit) problems.push(`kiln exited ${statusOf(kiln)}, expected ${wantExit}`);
    }

    for (const d of expected) {
      const actual = (o: Outcome) => (d.path === "<exit>" ? statusOf(o) : (o.snapshot.get(d.path)?.content ?? null));
      if (actual(packer) !== d.packer || actual(kiln) !== d.kiln) {
        problems.push(
          `expected difference at ${d.path} changed (${d.why}):\n  packer: ${JSON.stringify(actual(packer))}\n  kiln:   ${JSON.stringify(actual(kiln))}`,
        );
      }
    }

    const skip = new Set(expected.map((d) => d.path));
    problems.push(...diffSnapshots(packer.snapshot, kiln.snapshot, skip));

    if (problems.length) {
      const runs = TOOLS.map((tool) => {
        const o = tool === "packer" ? packer : kiln;
        return `--- ${tool} (exit ${o.run.code}) ---\n${tail(o.run.stdout)}\n${tail(o.run.stderr)}`;
      }).join("\n");
      disagreeing.push(name);
      expect.fail(`${name}: ${problems.length} difference(s)\n${problems.join("\n")}\n${runs}`);
    }
    agreeing.push(name);
  });
});
