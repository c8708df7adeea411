import { KilnError, type SourceLocation } from "../engine/errors";

/**
 * A strict JSON reader that keeps where every value and key was written. `JSON.parse` loses positions,
 * and templates need them for errors; JSON is small enough that a reader of our own is the simpler
 * dependency. Locations are keyed by JSON pointer (RFC 6901): "" is the document, "/builders/0/type"
 * a value, and the same pointer in `keys` is where that member's key was written.
 */
export interface JsonDocument {
  readonly value: unknown;
  readonly values: ReadonlyMap<string, SourceLocation>;
  readonly keys: ReadonlyMap<string, SourceLocation>;
}

/** Code `JSON_SYNTAX`; `where` (also in `context`) is the file and line. */
export class JsonSyntaxError extends KilnError {
  constructor(
    message: string,
    readonly where: SourceLocation,
  ) {
    super("JSON_SYNTAX", message, { context: { where } });
  }
}

export function pointer(...parts: readonly (string | number)[]): string {
  return parts.map((p) => `/${String(p).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}

export function parseJsonDocument(text: string, file: string): JsonDocument {
  return new Reader(text, file).document();
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class Reader {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private readonly values = new Map<string, SourceLocation>();
  private readonly keys = new Map<string, SourceLocation>();

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): JsonDocument {
    this.skipSpace();
    const value = this.value("");
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected ${this.describe()} after the end of the document`);
    return { value, values: this.values, keys: this.keys };
  }

  private here(): SourceLocation {
    return { file: this.file, line: this.line, column: this.pos - this.lineStart + 1 };
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(`invalid JSON: ${message}`, this.here());
  }

  private describe(): string {
    const c = this.text[this.pos];
    return c === undefined ? "end of file" : `character ${JSON.stringify(c)}`;
  }

  private skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === "\n") {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === " " || c === "\t" || c === "\r") {
        this.pos++;
      } else {
        return;
      }
    }
  }

  private value(at: string): unknown {
    this.values.set(at, this.here());
    const c = this.text[this.pos];
    if (c === "{") return this.object(at);
    if (c === "[") return this.array(at);
    if (c === '"') return this.string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(`expected a value, found ${this.describe()}`);
  }

  private object(at: string): Record<string, unknown> {
    this.pos++;
    const result: Record<string, unknown> = {};
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail(`expected a quoted key, found ${this.describe()}`);
      const keyAt = this.here();
      const key = this.string();
      const child = `${at}${pointer(key)}`;
      if (Object.hasOwn(result, key)) {
        throw new JsonSyntaxError(`duplicate key ${JSON.stringify(key)}`, keyAt);
      }
      this.keys.set(child, keyAt);
      this.skipSpace();
      if (this.text[this.pos] !== ":") this.fail(`expected ":" after key ${JSON.stringify(key)}`);
      this.pos++;
      this.skipSpace();
      // defineProperty: a "__proto__" key must become data, not change the prototype.
      Object.defineProperty(result, key, {
        value: this.value(child),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === "}") return result;
      if (c !== ",") {
        this.pos--;
        this.fail(`expected "," or "}" in object, found ${this.describe()}`);
      }
    }
  }

  private array(at: string): unknown[] {
    this.pos++;
    const result: unknown[] = [];
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      result.push(this.value(`${at}/${result.length}`));
      this.skipSpace();
      const c = this.text[this.pos];
      this.pos++;
      if (c === "]") return result;
      if (c !== ",") {
        this.pos--;
        this.fail(`expected "," or "]" in array, found ${this.describe()}`);
      }
    }
  }

  private string(): string {
    this.pos++;
    let out = "";
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) this.fail("unterminated string");
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c < " ") this.fail(`control character ${JSON.stringify(c)} in string (use an escape such as \\n)`);
      if (c !== "\\") {
        out += c;
        this.pos++;
        continue;
      }
      const e = this.text[this.pos + 1] ?? "";
      if (e === "u") {
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("invalid \\u escape in string");
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
      } else if (e in ESCAPES) {
        out += ESCAPES[e];
        this.pos += 2;
      } else {
        this.fail(`invalid escape "\\${e}" in string`);
      }
    }
  }

  private number(): number {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!match) this.fail("invalid number");
    this.pos += match[0].length;
    return Number(match[0]);
  }
}

/**
 * Locations of the members under `base`, keyed the way Kiln names fields: `ami_name`,
 * `launch_block_device_mappings[0].volume_size`. Members are located at their key, elements at their value.
 */
export function fieldLocations(doc: JsonDocument, base: string): Record<string, SourceLocation> {
  const out: Record<string, SourceLocation> = {};
  const prefix = `${base}/`;
  const add = (ptr: string, where: SourceLocation) => {
    if (!ptr.startsWith(prefix)) return;
    const parts = ptr.slice(prefix.length).split("/").map(unescapePointer);
    const name = parts.map((p, i) => (/^\d+$/.test(p) && i > 0 ? `[${p}]` : `${i ? "." : ""}${p}`)).join("");
    out[name] ??= where;
  };
  for (const [ptr, where] of doc.keys) add(ptr, where);
  for (const [ptr, where] of doc.values) if (/\/\d+$/.test(ptr)) add(ptr, where);
  return out;
}

function unescapePointer(part: string): string {
  return part.replaceAll("~1", "/").replaceAll("~0", "~");
}
