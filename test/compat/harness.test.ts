// The comparison harness itself: what normalisation removes, and that every other difference shows.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diffSnapshots, normaliseManifest, normaliseText, snapshot } from "./harness/snapshot";
import { argv } from "./harness/tools";

const NOW = Date.parse("2030-05-06T07:08:09Z");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string | { mode: number; text: string }>): string {
  const dir = mkdtempSync(join(tmpdir(), "kiln-harness-"));
  dirs.push(dir);
  for (const [name, spec] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, typeof spec === "string" ? spec : spec.text);
    chmodSync(path, typeof spec === "string" ? 0o644 : spec.mode);
  }
  return dir;
}

describe("normaliseText", () => {
  const ctx = () => ({ root: "/tmp/run-a", now: NOW, uuids: new Map<string, string>() });

  it("replaces the run directory, numbers UUIDs by first appearance, masks clock readings near the run", () => {
    const text = [
      "/tmp/run-a/target/file",
      "1e0b4c2a-0000-4000-8000-000000000001 1e0b4c2a-0000-4000-8000-000000000002 1E0B4C2A-0000-4000-8000-000000000001",
      `${NOW / 1000} ${NOW / 1000 - 3600} 1000000000`,
      "2030-05-06T07:08:09Z 2030-05-06T09:08:09+02:00 2021-06-15T08:30:00Z",
      "/tmp/script_123.sh script_9.sh",
    ].join("\n");
    expect(normaliseText(text, ctx())).toBe(
      [
        "<ROOT>/target/file",
        "<UUID-1> <UUID-2> <UUID-1>",
        "<UNIX> <UNIX> 1000000000",
        "<TIME> <TIME> 2021-06-15T08:30:00Z",
        "/tmp/script_<N>.sh script_<N>.sh",
      ].join("\n"),
    );
  });
});

describe("normaliseManifest", () => {
  const manifest = (builds: object[], tail = "", goEscaped = false) => {
    const text = JSON.stringify({ builds, last_run_uuid: "run-1" }, null, 2) + tail;
    return goEscaped ? text.replace(/</g, "\\u003c") : text;
  };
  const entry = (name: string, extra: object = {}) => ({
    name,
    builder_type: "null",
    build_time: 1700000000,
    files: null,
    artifact_id: "Null",
    packer_run_uuid: "run-1",
    custom_data: null,
    ...extra,
  });

  it("masks build_time and the run UUIDs and sorts builds, keeping the file's layout and tail", () => {
    const a = normaliseManifest(manifest([entry("web"), entry("db")]));
    const b = normaliseManifest(manifest([entry("db", { build_time: 1800000000 }), entry("web")]));
    expect(a).toBe(b);
    expect(a).toContain('"build_time": "__BUILD_TIME__"');
    expect(a).toContain('"last_run_uuid": "__RUN_UUID__"');
    // A trailing newline, Go's escaping or a different run UUID still show.
    expect(normaliseManifest(manifest([entry("db")], "\n"))).not.toBe(normaliseManifest(manifest([entry("db")])));
    const custom = { custom_data: { a: "<b>" } };
    expect(normaliseManifest(manifest([entry("db", custom)], "", true))).toContain("\\u003cb>");
    expect(normaliseManifest(manifest([entry("db", custom)]))).toContain('"<b>"');
    expect(normaliseManifest(manifest([entry("db", { packer_run_uuid: "run-0" })]))).toContain("__OTHER_RUN__");
    // Go-escaped files keep their escaping, placeholders included.
    expect(normaliseManifest(manifest([entry("db", custom)], "", true))).toContain('"build_time": "__BUILD_TIME__"');
  });

  it("leaves other JSON alone", () => {
    expect(normaliseManifest('{"builds": 1}')).toBeUndefined();
    expect(normaliseManifest("not json")).toBeUndefined();
  });
});

describe("snapshot and diffSnapshots", () => {
  it("agree on identical trees in different places", () => {
    const a = tree({ "t/x": "in /ROOT", "t/y": { mode: 0o600, text: "s" } });
    const b = tree({ "t/x": "in /ROOT", "t/y": { mode: 0o600, text: "s" } });
    expect(diffSnapshots(snapshot(a, { root: a, now: NOW }), snapshot(b, { root: b, now: NOW }))).toEqual([]);
  });

  it("report content, mode, type and missing-file differences", () => {
    const a = tree({ same: "1", content: "a\nb\n", mode: { mode: 0o755, text: "m" }, kind: "f", packerOnly: "p" });
    const b = tree({ same: "1", content: "a\nc\n", mode: { mode: 0o644, text: "m" }, kiln: "k" });
    mkdirSync(join(b, "kind"));
    symlinkSync("same", join(b, "link"));
    const diffs = diffSnapshots(snapshot(a, { root: a, now: NOW }), snapshot(b, { root: b, now: NOW }));
    expect(diffs).toEqual([
      expect.stringMatching(/^content: content differs\n.*line 2:\n.*packer: "b"\n.*kiln: {3}"c"/s),
      "kiln: only kiln left it (file)",
      expect.stringMatching(/^kind: packer left a file, kiln a dir/),
      'kind: content differs\n    line 1:\n      packer: "f"\n      kiln:   ""',
      "link: only kiln left it (symlink)",
      "mode: mode 0755 (packer) vs 0644 (kiln)",
      "packerOnly: only packer left it (file)",
    ]);
  });

  it("skips paths compared elsewhere", () => {
    const a = tree({ x: "1" });
    const b = tree({ x: "2" });
    expect(
      diffSnapshots(snapshot(a, { root: a, now: NOW }), snapshot(b, { root: b, now: NOW }), new Set(["x"])),
    ).toEqual([]);
  });
});

describe("argv", () => {
  it("spells the same invocation for each tool", () => {
    const inv = {
      command: "build" as const,
      template: ".",
      cwd: "/w",
      home: "/h",
      vars: { a: "1" },
      varFiles: ["v.pkrvars.hcl"],
      except: ["x", "y"],
      parallelBuilds: 1,
    };
    expect(argv("packer", inv)).toEqual([
      "build",
      "-color=false",
      "-parallel-builds=1",
      "-var",
      "a=1",
      "-var-file=v.pkrvars.hcl",
      "-except=x,y",
      ".",
    ]);
    expect(argv("kiln", inv)).toEqual([
      "build",
      "--parallel-builds=1",
      "--var",
      "a=1",
      "--var-file=v.pkrvars.hcl",
      "--except=x,y",
      ".",
    ]);
  });
});
