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
