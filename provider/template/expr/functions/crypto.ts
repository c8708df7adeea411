// Hashes, UUIDs and bcrypt.
import { createHash, randomUUID } from "node:crypto";
import { FunctionCallError } from "../errors";
import type { HclFunction } from "./types";

const str = (name: string) => ({ name, type: "string" as const });
const hash = (algo: string) => (s: string) => createHash(algo).update(s, "utf8").digest("hex");

const NAMESPACES: Record<string, string> = {
  dns: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  url: "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
  oid: "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
  x500: "6ba7b814-9dad-11d1-80b4-00c04fd430c8",
};

/** RFC 4122 version 5 (SHA-1, name-based) UUID. */
export function uuidV5(namespace: string, name: string): string {
  const ns = NAMESPACES[namespace] ?? namespace;
  const hex = ns.replace(/[{}-]/g, "").replace(/^urn:uuid:/i, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex))
    throw new FunctionCallError(
      `uuidv5() doesn't support namespace ${namespace} (invalid UUID length: ${namespace.length})`,
    );
  const bytes = createHash("sha1").update(Buffer.from(hex, "hex")).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const cryptoFunctions: Record<string, HclFunction> = {
  md5: { params: [str("str")], impl: ([s]) => hash("md5")(s as string) },
  sha1: { params: [str("str")], impl: ([s]) => hash("sha1")(s as string) },
  sha256: { params: [str("str")], impl: ([s]) => hash("sha256")(s as string) },
  sha512: { params: [str("str")], impl: ([s]) => hash("sha512")(s as string) },
  uuidv4: { params: [], impl: () => randomUUID() },
  uuidv5: { params: [str("namespace"), str("name")], impl: ([ns, n]) => uuidV5(ns as string, n as string) },
  bcrypt: {
    params: [str("str")],
    variadic: { name: "cost", type: "number" },
    impl: ([s, ...costs]) => bcryptHash(s as string, costs as number[]),
  },
};

const BCRYPT_DEFAULT_COST = 10;

/**
 * Packer's bcrypt(): Go's bcrypt.GenerateFromPassword, so a cost below 4 silently becomes 10, above 31 is
 * an error, and the hash carries Go's "$2a$" prefix (bcryptjs writes "$2b$"; the algorithm is the same).
 */
export function bcryptHash(password: string, costs: readonly number[]): string {
  if (costs.length > 1) throw new FunctionCallError("bcrypt() takes no more than two arguments");
  let cost = costs[0] ?? BCRYPT_DEFAULT_COST;
  if (!Number.isInteger(cost))
    throw new FunctionCallError("value must be a whole number, between -9223372036854775808 and 9223372036854775807");
  if (cost > 31)
    throw new FunctionCallError(
      `error occured generating password crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`,
    );
  if (cost < 4) cost = BCRYPT_DEFAULT_COST;
  // Loaded on first use: only bcrypt needs it.
  const { genSaltSync, hashSync } = require("bcryptjs") as typeof import("bcryptjs");
  const salt = genSaltSync(cost).replace(/^\$2b\$/, "$2a$");
  return hashSync(password, salt);
}
