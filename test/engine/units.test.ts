import { describe, expect, it } from "vitest";
import { makeRedactor } from "../../provider/engine/redact";
import { parseDuration } from "../../provider/util/duration";
import { LineSplitter } from "../../provider/util/lines";

describe("parseDuration", () => {
  it.each([
    ["10s", 10_000],
    ["1h30m", 5_400_000],
    ["250ms", 250],
    ["1.5s", 1500],
    ["30", 30_000],
  ])("%s → %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["5x", "s10", "1h 30m"])("rejects %j naming the expected form", (text) => {
    expect(() => parseDuration(text)).toThrow(/Go duration/);
  });
});

describe("makeRedactor", () => {
  it("replaces secrets, longest first, and each line of multi-line secrets", () => {
    const key = "-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\n-----END KEY-----";
    const redact = makeRedactor(["hunter2", "hunter2-admin", key]);
    expect(redact("pw=hunter2-admin and hunter2")).toBe("pw=<sensitive> and <sensitive>");
    expect(redact("line: AAAABBBBCCCCDDDD")).toBe("line: <sensitive>");
    expect(redact("nothing here")).toBe("nothing here");
  });
});

describe("LineSplitter", () => {
  it("emits whole lines across chunk boundaries and flushes the tail", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((l) => lines.push(l));
    splitter.push("hel");
    splitter.push("lo\r\nwor");
    splitter.push("ld\nend");
    expect(lines).toEqual(["hello", "world"]);
    splitter.flush();
    expect(lines).toEqual(["hello", "world", "end"]);
  });
});
