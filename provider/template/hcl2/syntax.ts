import type { ConfigProblem } from "../../engine/errors";

/**
 * Syntax errors come from HashiCorp's own HCL parser (hcl v2 compiled to WASM in @cdktf/hcl2json), so
 * they are the errors Packer would print; tree-sitter, which we walk afterwards, recovers from errors
 * rather than reporting them well. hcl2json reports `parse config: [FILE:L,C-L,C: Summary; Detail. …]`;
 * we split that back into one problem per diagnostic.
 *
 * Required here, on the first syntax error, not at start-up: loading @cdktf/hcl2json unzips and starts
 * a Go WASM runtime (half a second and ~100 MiB) that a valid template never needs. `require`, not
 * `import()`: the bundled CLI is compiled without an ES module loader (cli/load-bundle.ts).
 */
export async function hclSyntaxProblems(text: string, file: string): Promise<ConfigProblem[]> {
  try {
    const { parse: hcl2json } = require("@cdktf/hcl2json") as typeof import("@cdktf/hcl2json");
    await hcl2json(file, text);
    return [];
  } catch (error) {
    return parseDiagnostics(error instanceof Error ? error.message : String(error), file);
  }
}

export function parseDiagnostics(message: string, file: string): ConfigProblem[] {
  const body = message.replace(/^parse config: \[/, "").replace(/\]$/, "");
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const head = new RegExp(`(?:^| )${escaped}:(\\d+),(\\d+)(?:-(?:\\d+,)?\\d+)?: `, "g");
  const starts = [...body.matchAll(head)];
  if (starts.length === 0) return [{ field: "syntax", message: body || message, where: { file, line: 1 } }];
  return starts.map((match, i) => {
    const next = starts[i + 1];
    const text = body.slice((match.index ?? 0) + match[0].length, next ? next.index : body.length).trim();
    const [summary, ...detail] = text.split("; ");
    return {
      field: "syntax",
      message: detail.length ? `${summary}: ${detail.join("; ")}` : (summary ?? text),
      where: { file, line: Number(match[1]), column: Number(match[2]) },
    };
  });
}
