import { StringDecoder } from "node:string_decoder";

/**
 * Turns chunks of a byte stream into whole lines as they arrive, so output can be shown live without
 * splitting a line across two events. UTF-8 safe across chunk boundaries (a character's bytes may
 * arrive in two chunks); `\r\n` and `\n` endings. `flush` hands over a final line with no newline.
 */
export class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  #partial = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.#decoder.write(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    const lines = (this.#partial + text).split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.onLine(stripCr(line));
  }

  flush(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = "";
    if (rest) this.onLine(stripCr(rest));
  }
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

/** The last lines of a stream, kept for an error message ("last output: …") without holding all of it. */
export class LastLines {
  private readonly lines: string[] = [];
  constructor(private readonly keep = 20) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.shift();
  }

  text(): string {
    return this.lines.join("\n");
  }
}
