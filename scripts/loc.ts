/**
 * `make loc`: lines of code per layer, the layers being those `make lint` enforces (scripts/layers.cjs).
 * A line counts when it holds part of a token: blank lines and lines that are only comments do not.
 * Files are the TypeScript and JavaScript sources git tracks; generated files are counted in their layer
 * and also shown on their own.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import ts from "typescript";

interface Layer {
  readonly name: string;
  readonly path: string;
  readonly what: string;
}

const SOURCE = /\.(ts|tsx|js|cjs|mjs)$/;
const GENERATED = /(^|\/)generated\//;

/** Lines holding a token. The parser's tokens, not a bare scan: template literals and regexes need context. */
export function codeLines(fileName: string, text: string): number {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const lines = new Set<number>();
  const visit = (node: ts.Node): void => {
    // JSDoc comments are nodes of the tree (children of what they document): comments all the same.
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(file);
    if (children.length === 0 && node.kind !== ts.SyntaxKind.EndOfFileToken) {
      const first = file.getLineAndCharacterOfPosition(node.getStart(file)).line;
      const last = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      for (let line = first; line <= last; line++) lines.add(line);
    }
    for (const child of children) visit(child);
  };
  visit(file);
  return lines.size;
}

function main(): void {
  // scripts/ run by tsx, or dist/scripts/ once compiled: the repository root is above either.
  const above = join(__dirname, "..");
  const root = basename(above) === "dist" ? join(above, "..") : above;
  const { LAYERS } = require(join(root, "scripts/layers.cjs")) as { LAYERS: readonly Layer[] };
  const files = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
    .split("\n")
    .filter((f) => SOURCE.test(f));
  const totals = new Map<string, { files: number; lines: number }>(LAYERS.map((l) => [l.name, { files: 0, lines: 0 }]));
  const generated = { files: 0, lines: 0 };
  const unplaced: string[] = [];
  for (const path of files) {
    const layer = LAYERS.find((l) => new RegExp(l.path).test(path));
    if (!layer) {
      unplaced.push(path);
      continue;
    }
    const lines = codeLines(path, readFileSync(join(root, path), "utf8"));
    const total = totals.get(layer.name) ?? { files: 0, lines: 0 };
    totals.set(layer.name, { files: total.files + 1, lines: total.lines + lines });
    if (GENERATED.test(path)) {
      generated.files++;
      generated.lines += lines;
    }
  }
  const rows = LAYERS.map((l) => {
    const t = totals.get(l.name) ?? { files: 0, lines: 0 };
    return `| ${l.name} | ${t.files} | ${t.lines} | ${l.what} |`;
  });
  const sum = [...totals.values()].reduce((a, t) => ({ files: a.files + t.files, lines: a.lines + t.lines }), {
    files: 0,
    lines: 0,
  });
  process.stdout.write(
    [
      "| layer | files | lines of code | what |",
      "| --- | ---: | ---: | --- |",
      ...rows,
      `| total | ${sum.files} | ${sum.lines} | |`,
      `| (of which generated) | ${generated.files} | ${generated.lines} | \`make generate\` |`,
      "",
    ].join("\n"),
  );
  if (unplaced.length) {
    process.stderr.write(`in no layer (add them to scripts/layers.cjs): ${unplaced.join(", ")}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
