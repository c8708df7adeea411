// `kiln validate` against `packer validate` on broken templates: both must reject each one, and kiln's
// message must name the file and line — the line Packer names, where Packer names one.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROKEN_CASES, type BrokenCase } from "./broken";
import { KILN, PACKER, type Run, runTool, type Tool } from "./harness/tools";

let work: string;
const runs = new Map<string, { packer: Run; kiln: Run }>();
const agreeing: string[] = [];

async function validateWith(tool: Tool, c: BrokenCase, dir: string): Promise<Run> {
  return runTool(
    tool,
    { command: "validate", template: c.template ?? ".", cwd: dir, vars: c.vars, varFiles: c.varFiles, home: work },
    30_000,
  );
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The line Packer names: `file:LINE,COL:` opening a line (a plugin's own decode error) first, else
 * `on file line LINE`, else a legacy JSON parse error's `At line LINE, column` (one file only).
 */
export function packerLine(output: string, files: readonly string[]): { file: string; line: number } | undefined {
  for (const pattern of [
    (f: string) => `^${escapeRegExp(f)}:(\\d+),\\d+`,
    (f: string) => `on ${escapeRegExp(f)} line (\\d+)`,
  ]) {
    for (const file of files) {
      const m = new RegExp(pattern(file), "m").exec(output);
      if (m) return { file, line: Number(m[1]) };
    }
  }
  const json = /^At line (\d+), column \d+/m.exec(output);
  if (json && files.length === 1) return { file: files[0] as string, line: Number(json[1]) };
  return undefined;
}

/** The first `file:LINE` kiln prints for one of the case's files. */
export function kilnLine(output: string, files: readonly string[]): { file: string; line: number } | undefined {
  let best: { file: string; line: number; at: number } | undefined;
  for (const file of files) {
    const m = new RegExp(`(?:^|[\\s(])(?:\\./)?${escapeRegExp(file)}:(\\d+)`, "m").exec(output);
    if (m && (!best || m.index < best.at)) best = { file, line: Number(m[1]), at: m.index };
  }
  return best && { file: best.file, line: best.line };
}

describe.skipIf(!existsSync(PACKER))("broken templates: kiln validate against packer 1.6.6 validate", () => {
  beforeAll(async () => {
    if (!existsSync(KILN)) throw new Error(`${KILN} is missing: compile first (npx tsc -p tsconfig.json)`);
    work = mkdtempSync(join(tmpdir(), "kiln-compat-validate-"));
    const queue = BROKEN_CASES.map((c, i) => async () => {
      const dir = join(work, String(i));
      for (const [name, text] of Object.entries(c.files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      const [packer, kiln] = await Promise.all([validateWith("packer", c, dir), validateWith("kiln", c, dir)]);
      runs.set(c.name, { packer, kiln });
    });
    // Two at a time: each is a packer and a node process.
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) await job();
    };
    await Promise.all([worker(), worker()]);
  }, 120_000);

  afterAll(() => {
    console.log(
      `compat validate: ${BROKEN_CASES.length} broken templates, ${agreeing.length} rejected by both with kiln naming the expected file and line`,
    );
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each(BROKEN_CASES.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const run = runs.get(name);
    if (!run) throw new Error(`${name} did not run`);
    const packerOut = `${run.packer.stdout}${run.packer.stderr}`;
    const kilnOut = `${run.kiln.stdout}${run.kiln.stderr}`;
    const context = `\n--- packer (exit ${run.packer.code}) ---\n${packerOut}\n--- kiln (exit ${run.kiln.code}) ---\n${kilnOut}`;
    expect(run.packer.code, `packer accepted it${context}`).not.toBe(0);
    expect(run.kiln.code, `kiln must exit 2 (invalid template)${context}`).toBe(2);
    const files = Object.keys(c.files);
    const ours = kilnLine(kilnOut, files);
    expect(ours, `kiln named no file:line${context}`).toBeDefined();
    const theirs = packerLine(packerOut, files);
    if (c.kilnAt) {
      expect(ours, `${c.kilnAt.why}${context}`).toEqual({ file: c.kilnAt.file, line: c.kilnAt.line });
    } else {
      expect(theirs, `packer named no line; give kilnAt${context}`).toBeDefined();
      expect(ours, `kiln names another place than packer${context}`).toEqual(theirs);
    }
    agreeing.push(name);
  });
});
