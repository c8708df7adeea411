/**
 * The parts of ssh2 Kiln uses, each loaded from its own file. ssh2's index also loads its SSH server, its
 * HTTP agents (and with them Node's http, https and tls) and its key generator: ~40 ms of CPU and 3 MiB
 * at the start of every build, for nothing a build uses. ssh2 declares no `exports` map, so these files
 * are reachable; test/communicator-ssh2-parts.test.ts checks they are what the index exports.
 */
import type * as ssh2 from "ssh2";

export const Client = require("ssh2/lib/client.js") as typeof ssh2.Client;
export type Client = ssh2.Client;

export const parseKey = (require("ssh2/lib/protocol/keyParser.js") as Pick<typeof ssh2.utils, "parseKey">).parseKey;

/** ssh2's key-pair generator, loaded on first use: only builds that make a temporary key need it. */
export function keygen(): Pick<typeof ssh2.utils, "generateKeyPairSync"> {
  return require("ssh2/lib/keygen.js") as Pick<typeof ssh2.utils, "generateKeyPairSync">;
}
