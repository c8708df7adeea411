import { KilnError } from "../engine/errors";
import { keygen, parseKey } from "./ssh2-parts";

export type TemporaryKeyType = "ed25519" | "rsa";

export interface TemporaryKeyPair {
  /** OpenSSH private key text. */
  readonly privateKey: string;
  /** `ssh-ed25519 AAAA… comment` (authorized_keys form). */
  readonly publicKey: string;
}

/** Enough draws that a pair ssh2 cannot read (1 in 256) never gets through. */
const ATTEMPTS = 8;

/**
 * A key pair for one build's machine. ssh2's generator drops a leading zero byte from some ed25519 keys
 * (about one pair in 256, mscdex/ssh2#1390): the pair is then unreadable by ssh2 itself and the build
 * could not log in. A pair is kept only when both halves parse; otherwise another is drawn.
 */
export function temporaryKeyPair(type: TemporaryKeyType, comment: string): TemporaryKeyPair {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const pair =
      type === "rsa"
        ? keygen().generateKeyPairSync("rsa", { bits: 3072, comment })
        : keygen().generateKeyPairSync("ed25519", { comment });
    if (readable(pair.private) && readable(pair.public)) return { privateKey: pair.private, publicKey: pair.public };
  }
  throw new KilnError("KEY_GENERATION", `no readable ${type} key pair in ${ATTEMPTS} attempts`);
}

function readable(text: string): boolean {
  const parsed = parseKey(text);
  return !(parsed instanceof Error) && !(Array.isArray(parsed) && parsed.length === 0);
}
