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
