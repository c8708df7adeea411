/**
 * Turns chunks of a byte stream into whole lines as they arrive, so output can be shown live without
 * splitting a line across two events. `flush` hands over a final line with no newline.
 */
export class LineSplitter {
  private partial = "";
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const lines = text.split("\n");
    this.partial = lines.pop() ?? "";
    for (const line of lines) this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
  }

  flush(): void {
    if (this.partial) this.onLine(this.partial);
    this.partial = "";
  }
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
