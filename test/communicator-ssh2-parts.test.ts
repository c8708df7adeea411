import * as ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { Client, keygen, parseKey } from "../provider/communicator/ssh2-parts";

// ssh2-parts.ts loads ssh2's files one by one to skip what its index also loads; if a new ssh2 moved them,
// these would be other functions (or the require would throw when this file loads).
describe("ssh2 parts loaded from their own files", () => {
  it("are the functions ssh2's index exports", () => {
    expect(Client).toBe(ssh2.Client);
    expect(parseKey).toBe(ssh2.utils.parseKey);
    expect(keygen().generateKeyPairSync).toBe(ssh2.utils.generateKeyPairSync);
  });
});
