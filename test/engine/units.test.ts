import { describe, expect, it } from "vitest";
import { makeRedactor, redactError } from "../../provider/engine/redact";
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

describe("redactError", () => {
  it("redacts message and string fields down the cause chain, past read-only built-in errors", () => {
    const aborted = new DOMException("This operation was aborted", "AbortError");
    const inner = Object.assign(new Error("token hunter2 rejected", { cause: aborted }), { command: "login hunter2" });
    const outer = new Error("step failed: token hunter2 rejected", { cause: inner });
    redactError(outer, makeRedactor(["hunter2"]));
    expect(outer.message).toBe("step failed: token <sensitive> rejected");
    expect(outer.stack).not.toContain("hunter2");
    expect(inner.message).toBe("token <sensitive> rejected");
    expect(inner.command).toBe("login <sensitive>");
    expect(aborted.message).toBe("This operation was aborted");
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

  it("keeps multi-byte characters split across chunks and flushes the last partial line", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from("héllo añb\r\nsecond\nthi€rd");
    for (let i = 0; i < bytes.length; i++) splitter.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(["héllo añb", "second"]);
    splitter.flush();
    expect(lines).toEqual(["héllo añb", "second", "thi€rd"]);
  });
});
