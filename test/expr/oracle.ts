// Runs Debian's packer 1.6.6 `packer console TEMPLATE` as the oracle for HCL2 expressions, and prints Kiln
// values the way that console prints them, so the two can be compared value for value.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { goFloat } from "../../provider/template/expr/functions/gofmt";
import { type HclValue, isObject, isUnknown, sortedKeys } from "../../provider/template/expr/values";

export const PACKER = process.env.KILN_PACKER ?? "/usr/bin/packer";

/** Marker expression fed after every case: its output line splits the merged output into per-case chunks. */
const MARKER = "@@KILN-CASE-END@@";

export interface OracleResult {
  readonly ok: boolean;
  /** The printed value, or for errors the diagnostic summary ("Unsupported attribute"). */
  readonly text: string;
  /** Error detail lines, for messages in reports. */
  readonly detail?: string;
}

/**
 * Evaluates every expression in one `packer console` run (starting packer is the slow part). stdout and
 * stderr are merged into one pipe by the shell so values and errors stay in input order.
 */
export function runPackerConsole(dir: string, template: string, exprs: readonly string[]): OracleResult[] {
  for (const e of exprs) if (e.includes("\n")) throw new Error(`console input must be one line: ${e}`);
  // packer 1.6.6 reads a piped stdin badly (only the last line is evaluated); a regular file works.
  const inputFile = join(dir, ".kiln-console-input");
  writeFileSync(inputFile, exprs.map((e) => `${e}\n${JSON.stringify(MARKER)}\n`).join(""));
  const run = spawnSync("sh", ["-c", `exec "${PACKER}" console "${template}" < "${inputFile}" 2>&1`], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", PACKER_LOG: "" },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (run.error) throw run.error;
  const chunks = run.stdout.split(`${MARKER}\n`);
  if (chunks.length !== exprs.length + 1) {
    throw new Error(
      `packer console produced ${chunks.length - 1} results for ${exprs.length} inputs:\n${run.stdout.slice(0, 2000)}`,
    );
  }
  return chunks.slice(0, exprs.length).map(parseChunk);
}

function parseChunk(chunk: string): OracleResult {
  // Errors look like "Error: <summary>\n\n  on <console-input> line 1:\n  (source code not available)\n\n<detail>\n\n".
  const err = /^\s*Error: (.*)\n/.exec(chunk);
  if (err) {
    const detail = chunk
      .split("\n")
      .filter(
        (l) => l.trim() && !l.startsWith("Error:") && !/^\s+on <console-input>|\(source code not available\)/.test(l),
      )
      .join(" ")
      .trim();
    return { ok: false, text: err[1]!.trim(), detail };
  }
  // The value is everything before the marker, minus the newline console prints after it.
  return { ok: true, text: chunk.endsWith("\n") ? chunk.slice(0, -1) : chunk };
}

/** Go's strconv.Quote, which the console uses for strings nested in lists and maps. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case "\x07":
        out += "\\a";
        continue;
      case "\b":
        out += "\\b";
        continue;
      case "\f":
        out += "\\f";
        continue;
      case "\n":
        out += "\\n";
        continue;
      case "\r":
        out += "\\r";
        continue;
      case "\t":
        out += "\\t";
        continue;
      case "\v":
        out += "\\v";
        continue;
      case "\\":
        out += "\\\\";
        continue;
      case '"':
        out += '\\"';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (/[\p{C}\p{Zl}\p{Zp}]/u.test(ch) || (c >= 0x80 && c <= 0xa0) || c === 0xad) {
      out += c > 0xffff ? `\\U${c.toString(16).padStart(8, "0")}` : `\\u${c.toString(16).padStart(4, "0")}`;
    } else out += ch;
  }
  return `${out}"`;
}

/**
 * Prints a Kiln value like Packer 1.6.6's console (hcl2template/repl/format.go after hcl2shim conversion):
 * - numbers that are exact int64 print as integers, others as Go's %g of a float64 (1e+22, 1.5);
 * - a top-level string prints raw, nested strings Go-quoted;
 * - lists as "[\n  elem,\n]" and maps as "{\n  "k" = v\n}" with sorted keys, nested levels indented;
 * - map entries whose value is null are left out (hcl2shim skips them).
 */
export function formatConsole(v: HclValue, nested = false): string {
  if (v === null) return "null";
  if (isUnknown(v)) return "<unknown>";
  if (typeof v === "string") return nested ? goQuote(v) : v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return BigInt(v).toString();
    return `${v < 0 ? "-" : ""}${goFloat(v, "g", -1)}`;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[\n${v.map((x) => `${indent(formatConsole(x, true))},\n`).join("")}]`;
  }
  if (isObject(v)) {
    // hcl2shim drops null attributes when it turns an object into a Go map, so the console never shows them.
    const keys = sortedKeys(v).filter((k) => v[k] !== null);
    if (keys.length === 0) return "{}";
    // format.go sorts with Go's sort.Strings (byte order), which sortedKeys reproduces.
    return `{\n${keys.map((k) => `${indent(`${goQuote(k)} = ${formatConsole(v[k] as HclValue, true)}`)}\n`).join("")}}`;
  }
  return "<unknown-type>";
}

function indent(s: string): string {
  return s
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
