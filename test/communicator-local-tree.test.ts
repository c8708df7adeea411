/**
 * The local walk of a directory upload on its own (what it copies is covered, against a real sshd, by
 * communicator-upload-dir.test.ts): it stats synchronously, so it must hand the event loop back while
 * it goes, or a big tree would stall the connection's I/O (keep-alives, the channel's flow control).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalWalk } from "../provider/communicator/local-tree";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-local-tree-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("startLocalWalk", () => {
  it("lets the event loop turn while it stats a directory of thousands of entries", async () => {
    const wide = path.join(work, "wide");
    fs.mkdirSync(wide);
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(wide, `f${i}`), "");
    // The root's stat is behind us once startLocalWalk resolves: from here on, every turn the event loop
    // takes before the entries arrive is one the walk gave back.
    const { entries } = await startLocalWalk(wide);
    let turns = 0;
    let walking = true;
    const turn = () => {
      if (!walking) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    const list = await entries;
    walking = false;
    expect(list).toHaveLength(3000);
    // A turn every 1,024 entries stat'ed; a walk that never yielded would give none.
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
