/**
 * A generated region inside a hand-written Markdown file: the text between
 * `<!-- generated:<name> … -->` and `<!-- /generated:<name> -->` is rewritten, the rest kept as it is.
 */
export function replaceRegion(text: string, name: string, body: string, file: string): string {
  const open = new RegExp(`<!-- generated:${name}\\b[^>]*-->\\n`);
  const close = `<!-- /generated:${name} -->`;
  const start = open.exec(text);
  const end = text.indexOf(close);
  if (!start || end < start.index) {
    throw new Error(`${file}: no region <!-- generated:${name} --> … ${close} to write into`);
  }
  const head = text.slice(0, start.index + start[0].length);
  return `${head}${body}${text.slice(end)}`;
}

/**
 * A Markdown table with its columns padded to one width, as biome formats the Markdown it checks
 * (provider/**), so a generated table passes `make lint` as written. Cells are escaped for `|`.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\|/g, "\\|")));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => [...(row[i] ?? "")].length)));
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => cell + " ".repeat((widths[i] ?? 0) - [...cell].length)).join(" | ")} |`;
  const [head, ...body] = cells;
  return [line(head ?? []), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
