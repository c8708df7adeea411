/**
 * The tar stream's ustar headers, encoded fast. tar's Header encodes each field of every header, at about
 * 35 µs a header in kiln (which runs JavaScript on V8's baseline tiers, see cli/kiln.ts): 70 ms of CPU in a
 * 2,000-file upload. Here Header encodes one block per entry kind once; an entry then only writes its
 * name, mode and size over a copy, and the checksum follows from the bytes it wrote. The result is the
 * block Header would write, byte for byte. Entries that do not fit ustar's plain fields go through Header.
 */
import { Header } from "tar/header";
import type { TreeEntry } from "./local-tree";

export const BLOCK = 512;

export type EntryKind = TreeEntry["kind"];

/** The fields an entry writes: offset and length in the block. */
const NAME = { at: 0, size: 100 };
const MODE = { at: 100, size: 8 };
const SIZE = { at: 124, size: 12 };
const CHECKSUM = { at: 148, size: 8 };
/** The largest size in ustar's 11 octal digits; a larger one needs Header's base-256 form and a PAX record. */
const MAX_SIZE = 8 ** 11 - 1;
const SPACE = 0x20;
/** Characters past ASCII: their UTF-8 takes more than a byte each. */
const NOT_ASCII = /[\u0080-\uffff]/;

interface Template {
  readonly header: Header;
  /** The block with name, mode, size and checksum zeroed. */
  readonly block: Buffer;
  /** The checksum of that block: its bytes, with the checksum field counted as spaces. */
  readonly sum: number;
}

export class TarHeaders {
  readonly #templates: Record<EntryKind, Template>;

  constructor(mtime: Date) {
    this.#templates = {
      dir: template(new Header({ type: "Directory", mtime, uid: 0, gid: 0 })),
      file: template(new Header({ type: "File", mtime, uid: 0, gid: 0 })),
    };
  }

  /**
   * Writes the header of one entry (a directory's name ends in `/`) into the 512 bytes of `buffer` at
   * `at`. Returns true, as Header.encode does, when the name does not fit ustar and a PAX header must go
   * before this one.
   */
  encode(buffer: Buffer, at: number, kind: EntryKind, name: string, mode: number, size: number): boolean {
    const template = this.#templates[kind];
    if (name.length >= NAME.size || NOT_ASCII.test(name) || size > MAX_SIZE) {
      const { header } = template;
      header.path = name;
      header.mode = mode;
      header.size = size;
      // encode writes only the fields it has, and reads one byte back: the block must start zeroed.
      buffer.fill(0, at, at + BLOCK);
      return header.encode(buffer, at);
    }
    template.block.copy(buffer, at);
    buffer.write(name, at + NAME.at, "latin1");
    const modeField = octalField(mode, MODE.size);
    const sizeField = octalField(size, SIZE.size);
    buffer.write(modeField, at + MODE.at, "latin1");
    buffer.write(sizeField, at + SIZE.at, "latin1");
    const sum = template.sum + byteSum(name) + byteSum(modeField) + byteSum(sizeField);
    buffer.write(octalField(sum, CHECKSUM.size), at + CHECKSUM.at, "latin1");
    return false;
  }
}

function template(header: Header): Template {
  const block = Buffer.alloc(BLOCK);
  header.encode(block, 0);
  for (const field of [NAME, MODE, SIZE, CHECKSUM]) block.fill(0, field.at, field.at + field.size);
  let sum = CHECKSUM.size * SPACE;
  for (const byte of block) sum += byte;
  return { header, block, sum };
}

/** The sum of an ASCII text's bytes. */
function byteSum(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return sum;
}

/** A number field as Header writes it: octal, zero-padded, then a space and a NUL (only a NUL when full). */
function octalField(value: number, size: number): string {
  const digits = value.toString(8);
  return digits.length === size - 1 ? `${digits}\0` : `${digits.padStart(size - 2, "0")} \0`;
}
