import { utils } from "ssh2";
import { describe, expect, it } from "vitest";
import { temporaryKeyPair } from "../provider/communicator/temporary-key";

describe("temporaryKeyPair", () => {
  it("every ed25519 pair is readable by ssh2 (its generator alone fails about one pair in 256)", () => {
    // 3000 draws: with the generator's 1/256 failure rate, the chance that none would fail is below 1e-5.
    for (let i = 0; i < 3000; i++) {
      const pair = temporaryKeyPair("ed25519", `build-${i}`);
      const priv = utils.parseKey(pair.privateKey);
      const pub = utils.parseKey(pair.publicKey);
      expect(priv instanceof Error ? priv.message : "ok", `pair ${i}`).toBe("ok");
      expect(pub instanceof Error ? pub.message : "ok", `pair ${i}`).toBe("ok");
    }
  });

  it("makes rsa pairs too, the public half carrying the comment", () => {
    const pair = temporaryKeyPair("rsa", "build-x");
    expect(pair.publicKey).toMatch(/^ssh-rsa \S+ build-x$/);
    expect(utils.parseKey(pair.privateKey)).not.toBeInstanceOf(Error);
  });
});
