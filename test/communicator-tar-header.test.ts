/**
 * The tar stream's fast headers against tar's own Header: the same block, byte for byte, for any entry,
 * and the same answer on whether a PAX header must go first.
 */
import fc from "fast-check";
import { Header } from "tar/header";
import { describe, expect, it } from "vitest";
import { BLOCK, type EntryKind, TarHeaders } from "../provider/communicator/tar-header";

const mtime = new Date("2026-12-01T07:30:00.250Z");

function byHeader(kind: EntryKind, name: string, mode: number, size: number): { block: Buffer; pax: boolean } {
  const header = new Header({ type: kind === "dir" ? "Directory" : "File", mtime, uid: 0, gid: 0 });
  header.path = name;
  header.mode = mode;
  header.size = size;
  const block = Buffer.alloc(BLOCK);
  return { block, pax: header.encode(block, 0) };
}

function byTarHeaders(kind: EntryKind, name: string, mode: number, size: number): { block: Buffer; pax: boolean } {
  // Other bytes around the block, and a block that held another header: neither may leak into it.
  const buffer = Buffer.alloc(3 * BLOCK, 0xa5);
  const headers = new TarHeaders(mtime);
  headers.encode(buffer, BLOCK, "file", "an/earlier/entry-with-a-long-name.txt", 0o600, 123_456);
  const pax = headers.encode(buffer, BLOCK, kind, name, mode, size);
  expect(buffer.subarray(0, BLOCK).every((b) => b === 0xa5)).toBe(true);
  expect(buffer.subarray(2 * BLOCK).every((b) => b === 0xa5)).toBe(true);
  return { block: Buffer.from(buffer.subarray(BLOCK, 2 * BLOCK)), pax };
}

const MAX_USTAR_SIZE = 8 ** 11 - 1;

describe("TarHeaders", () => {
  it.each([
    ["a file", "file", "a.txt", 0o644, 1024],
    ["an empty file", "file", "empty", 0o600, 0],
    ["a directory", "dir", "d0/", 0o755, 0],
    ["every mode bit", "file", "suid", 0o7777, 1],
    ["the largest ustar size", "file", "big", 0o644, MAX_USTAR_SIZE],
    ["a size past ustar's digits", "file", "huge", 0o644, MAX_USTAR_SIZE + 1],
    ["a 99-byte name", "file", "n".repeat(99), 0o644, 5],
    ["a 100-byte name (ustar prefix)", "file", `${"p".repeat(40)}/${"n".repeat(59)}`, 0o644, 5],
    ["a 300-byte name (PAX)", "file", "long/".repeat(60), 0o644, 5],
    ["quotes, spaces and controls", "file", 'it\'s a "name" \t\x01.txt', 0o640, 7],
    ["a name past ASCII", "file", "café/naïve-ü.txt", 0o644, 9],
  ] as const)("writes what Header writes for %s", (_, kind, name, mode, size) => {
    const expected = byHeader(kind, name, mode, size);
    const actual = byTarHeaders(kind, name, mode, size);
    expect(actual.pax).toBe(expected.pax);
    expect(actual.block.toString("hex")).toBe(expected.block.toString("hex"));
    // tar reads it back: the checksum holds and the fields are the entry's.
    const parsed = new Header(actual.block);
    expect(parsed.cksumValid).toBe(true);
    if (!expected.pax) expect([parsed.path, parsed.mode, parsed.size]).toEqual([name, mode, size]);
  });

  it("writes what Header writes for any entry", () => {
    const name = fc.string({ unit: "binary", minLength: 1, maxLength: 140 });
    fc.assert(
      fc.property(
        fc.constantFrom<EntryKind>("dir", "file"),
        name,
        fc.integer({ min: 0, max: 0o7777 }),
        fc.oneof(fc.integer({ min: 0, max: 1 << 20 }), fc.integer({ min: 0, max: MAX_USTAR_SIZE + 1000 })),
        (kind, entryName, mode, size) => {
          const expected = byHeader(kind, entryName, mode, size);
          const actual = byTarHeaders(kind, entryName, mode, size);
          expect(actual.pax).toBe(expected.pax);
          expect(actual.block.equals(expected.block)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
