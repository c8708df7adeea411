// What a build left behind, as comparable text: every path under a directory with its type, mode and
// normalised content. Normalisation removes only what legitimately differs between two runs:
//   - the run's own directory (each tool builds in its own copy of the template) → <ROOT>;
//   - UUIDs → <UUID-1>, <UUID-2>… numbered by first appearance, so "same value twice" stays visible;
//   - clock readings within a day of the run (unix seconds, RFC 3339) → <UNIX>, <TIME>; fixed dates stay;
//   - shell script names Packer and Kiln pick at random (script_1234.sh) → script_<N>.sh;
//   - in Packer manifests: build_time → __BUILD_TIME__, packer_run_uuid/last_run_uuid → __RUN_UUID__, and
//     the builds sorted by name (parallel builds append in the order they finish).
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export interface Entry {
  readonly type: "file" | "dir" | "symlink";
  /** Permission bits, e.g. "0644". */
  readonly mode: string;
  /** Normalised text, the link target, or "" for a directory. */
  readonly content: string;
}

export type Snapshot = Map<string, Entry>;

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const UNIX = /\b1\d{9}\b/g;
const RFC3339 = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;
const SCRIPT_NAME = /\bscript_\d+\.sh\b/g;
const DAY_MS = 24 * 3600 * 1000;

export interface NormaliseContext {
  /** Absolute directory the tool ran in; replaced by <ROOT>. */
  readonly root: string;
  /** When the run happened: clock readings near it are volatile. */
  readonly now: number;
  /** UUID → placeholder, shared by every file of one snapshot. */
  readonly uuids: Map<string, string>;
}

export function normaliseText(text: string, ctx: NormaliseContext): string {
  const near = (ms: number) => Math.abs(ms - ctx.now) < DAY_MS;
  return text
    .split(ctx.root)
    .join("<ROOT>")
    .replace(UUID, (u) => {
      const key = u.toLowerCase();
      let name = ctx.uuids.get(key);
      if (!name) {
        name = `<UUID-${ctx.uuids.size + 1}>`;
        ctx.uuids.set(key, name);
      }
      return name;
    })
    .replace(RFC3339, (t) => (near(Date.parse(t)) ? "<TIME>" : t))
    .replace(UNIX, (n) => (near(Number(n) * 1000) ? "<UNIX>" : n))
    .replace(SCRIPT_NAME, "script_<N>.sh");
}

interface ManifestShape {
  builds: { name?: string; build_time?: unknown; packer_run_uuid?: unknown }[];
  last_run_uuid?: unknown;
}

/** Go's json encoder escapes <, > and & (Packer writes manifests with it). */
const goEscape = (json: string) => json.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

/**
 * A Packer manifest with its volatile fields masked and builds sorted. The masked JSON is printed in the
 * file's own layout only when the file is exactly `JSON.stringify(x, null, 2)` (with or without Go's
 * escaping of <, >, &) plus a tail; any other layout is kept as written, so a formatting difference
 * between the tools still shows.
 */
export function normaliseManifest(text: string): string | undefined {
  let parsed: ManifestShape;
  try {
    parsed = JSON.parse(text) as ManifestShape;
  } catch {
    return undefined;
  }
  if (!parsed || !Array.isArray(parsed.builds) || !("last_run_uuid" in parsed)) return undefined;
  const plain = JSON.stringify(parsed, null, 2);
  const style = text.startsWith(plain) ? (s: string) => s : text.startsWith(goEscape(plain)) ? goEscape : undefined;
  if (!style)
    return text
      .replace(/("(?:packer_run_uuid|last_run_uuid)": )"[^"]*"/g, '$1"__RUN_UUID__"')
      .replace(/("build_time": )\d+/g, '$1"__BUILD_TIME__"');
  const tail = text.slice(style(plain).length);
  for (const b of parsed.builds) {
    // Placeholders without <, > or &, which Go's escaping would change.
    if ("build_time" in b) b.build_time = "__BUILD_TIME__";
    if ("packer_run_uuid" in b)
      b.packer_run_uuid = b.packer_run_uuid === parsed.last_run_uuid ? "__RUN_UUID__" : "__OTHER_RUN__";
  }
  parsed.last_run_uuid = "__RUN_UUID__";
  // By name, then by the whole entry: two sources may share a name.
  const key = (b: unknown) => `${(b as { name?: string }).name}\u0000${JSON.stringify(b)}`;
  parsed.builds.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return style(JSON.stringify(parsed, null, 2)) + tail;
}

/** Everything under `dir` (paths relative to it, sorted), normalised against `ctx`. */
export function snapshot(dir: string, ctx: Omit<NormaliseContext, "uuids">): Snapshot {
  const full: NormaliseContext = { ...ctx, uuids: new Map() };
  const out: Snapshot = new Map();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const abs = join(dir, path);
      const info = lstatSync(abs);
      const mode = (info.mode & 0o7777).toString(8).padStart(4, "0");
      if (info.isSymbolicLink()) {
        out.set(path, { type: "symlink", mode, content: normaliseText(readlinkSync(abs), full) });
      } else if (info.isDirectory()) {
        out.set(path, { type: "dir", mode, content: "" });
        walk(path);
      } else {
        const bytes = readFileSync(abs);
        const text = bytes.toString("utf8");
        const content = normaliseManifest(text) ?? text;
        out.set(path, { type: "file", mode, content: normaliseText(content, full) });
      }
    }
  };
  walk("");
  return out;
}

/** One line per difference between two snapshots; `skip` paths are compared elsewhere. */
export function diffSnapshots(packer: Snapshot, kiln: Snapshot, skip: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const paths = [...new Set([...packer.keys(), ...kiln.keys()])].sort();
  for (const path of paths) {
    if (skip.has(path)) continue;
    const p = packer.get(path);
    const k = kiln.get(path);
    if (!p || !k) {
      out.push(`${path}: only ${p ? "packer" : "kiln"} left it (${(p ?? k)?.type})`);
      continue;
    }
    if (p.type !== k.type) out.push(`${path}: packer left a ${p.type}, kiln a ${k.type}`);
    else if (p.mode !== k.mode) out.push(`${path}: mode ${p.mode} (packer) vs ${k.mode} (kiln)`);
    if (p.content !== k.content) out.push(`${path}: content differs\n${indent(firstDifference(p.content, k.content))}`);
  }
  return out;
}

/** The first differing line of two texts, with both versions. */
function firstDifference(a: string, b: string): string {
  const la = a.split("\n");
  const lb = b.split("\n");
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i])
      return `line ${i + 1}:\n  packer: ${JSON.stringify(la[i] ?? "<end of file>")}\n  kiln:   ${JSON.stringify(lb[i] ?? "<end of file>")}`;
  }
  return "(same lines, different bytes)";
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}
