// Hashes and UUIDs. bcrypt needs a bcrypt library, which Kiln does not depend on yet.
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
    impl: () => {
      throw new FunctionCallError("bcrypt is not available in Kiln yet (no bcrypt library installed)");
    },
  },
};
