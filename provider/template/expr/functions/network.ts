// IP network functions (cidrhost, cidrnetmask, cidrsubnet, cidrsubnets) as cty implements them on Go's
// net.ParseCIDR and hashicorp/go-cidr. Addresses are BigInts so IPv4 and IPv6 share one code path.
import { FunctionCallError } from "../errors";
import type { HclValue } from "../values";
import { argError, type HclFunction, wholeNumber } from "./types";

interface Network {
  /** The network address (host bits cleared). */
  readonly ip: bigint;
  readonly prefix: number;
  /** 32 or 128. */
  readonly bits: number;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    // Go 1.15's parser (Packer 1.6.6) still accepted leading zeros, read as decimal.
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(Number(p));
  }
  return out;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let v4Tail: bigint | undefined;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    v4Tail = parseIPv4(text.slice(lastColon + 1));
    if (v4Tail === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0] as string);
  const right = halves.length === 2 ? groups(halves[1] as string) : [];
  const missing = 8 - left.length - right.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let out = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return v4Tail === undefined ? out : (out & ~0xffffffffn) | v4Tail;
}

const mask = (prefix: number, bits: number) => ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);

/** Go's net.ParseCIDR, keeping the network (host bits cleared) as cty does. */
export function parseCidr(text: string): Network {
  const invalid = () => new FunctionCallError(`invalid CIDR expression: invalid CIDR address: ${text}`);
  const slash = text.indexOf("/");
  if (slash < 0) throw invalid();
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const v4 = address.includes(":") ? undefined : parseIPv4(address);
  const v6 = v4 === undefined ? parseIPv6(address) : undefined;
  const bits = v4 !== undefined ? 32 : 128;
  const ip = v4 ?? v6;
  if (ip === undefined || !/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) throw invalid();
  const prefix = Number(prefixText);
  return { ip: ip & mask(prefix, bits), prefix, bits };
}

/** Go's net.IP.String(): dotted IPv4; IPv6 lower-case with the longest run of zero groups as "::". */
export function formatIp(ip: bigint, bits: number): string {
  if (bits === 32) return [24n, 16n, 8n, 0n].map((s) => String((ip >> s) & 0xffn)).join(".");
  // An IPv4-mapped address prints as IPv4.
  if (ip >> 32n === 0xffffn) return formatIp(ip & 0xffffffffn, 32);
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Go's IPNet.String(): an IPv4-mapped network prints as IPv4 with the prefix counted in 32 bits. */
function formatNet(n: Network): string {
  if (n.bits === 128 && n.ip >> 32n === 0xffffn && n.prefix >= 96) return `${formatIp(n.ip, n.bits)}/${n.prefix - 96}`;
  return `${formatIp(n.ip, n.bits)}/${n.prefix}`;
}

/** gocty's int conversion, whose failure cty reports as a call error, not an argument error. */
function goInt(v: HclValue): number {
  if (!Number.isInteger(v))
    throw new FunctionCallError("value must be a whole number, between -9223372036854775808 and 9223372036854775807");
  return v as number;
}

/** go-cidr Host: negative numbers count back from the last address. */
function cidrHost(prefix: string, hostnum: number): string {
  const net = parseCidr(prefix);
  const hostBits = BigInt(net.bits - net.prefix);
  const max = (1n << hostBits) - 1n;
  let num = BigInt(hostnum);
  if (num < 0n) num = max - (-num - 1n);
  if (num > max || num < 0n)
    throw new FunctionCallError(`prefix of ${net.prefix} does not accommodate a host numbered ${hostnum}`);
  return formatIp(net.ip | num, net.bits);
}

/** go-cidr Subnet; a negative netnum is refused (go-cidr 1.0.1, in Packer 1.6.6, garbled it). */
function cidrSubnet(prefix: string, newbits: number, netnum: number): string {
  const net = parseCidr(prefix);
  const length = net.prefix + newbits;
  if (length > net.bits)
    throw new FunctionCallError(`insufficient address space to extend prefix of ${net.prefix} by ${newbits}`);
  if (netnum < 0 || BigInt(netnum) > (1n << BigInt(newbits)) - 1n)
    throw new FunctionCallError(`prefix extension of ${newbits} does not accommodate a subnet numbered ${netnum}`);
  const ip = net.ip | (BigInt(netnum) << BigInt(net.bits - length));
  return formatNet({ ip, prefix: length, bits: net.bits });
}

/** Consecutive, aligned subnets of the given sizes, as cty's cidrsubnets allocates them with go-cidr. */
function cidrSubnets(prefix: string, newbits: readonly number[]): string[] {
  let net: Network;
  try {
    net = parseCidr(prefix);
  } catch (error) {
    throw argError(0, (error as Error).message);
  }
  if (newbits.length === 0) return [];
  const top = (1n << BigInt(net.bits)) - 1n;
  const last = (n: Network) => n.ip | ((1n << BigInt(n.bits - n.prefix)) - 1n);
  // The subnet just before the network, so the first NextSubnet lands at its start.
  const firstLen = net.prefix + (newbits[0] as number);
  let current: Network = { ip: (net.ip - 1n) & top & mask(firstLen, net.bits), prefix: firstLen, bits: net.bits };
  return newbits.map((bits, i) => {
    if (bits < 1) throw argError(i + 1, "must extend prefix by at least one bit");
    const length = net.prefix + bits;
    if (length > net.bits)
      throw argError(
        i + 1,
        `would extend prefix to ${length} bits, which is too long for an IPv${net.bits === 32 ? 4 : 6} address`,
      );
    const widened = { ip: last(current) & mask(length, net.bits), prefix: length, bits: net.bits };
    const start = (last(widened) + 1n) & top;
    const next = { ip: start & mask(length, net.bits), prefix: length, bits: net.bits };
    if (start === 0n || (next.ip & mask(net.prefix, net.bits)) !== net.ip)
      throw argError(
        i + 1,
        `not enough remaining address space for a subnet with a prefix of ${length} bits after ${formatNet(current)}`,
      );
    current = next;
    return formatNet(current);
  });
}

const str = (name: string) => ({ name, type: "string" as const });
const num = (name: string) => ({ name, type: "number" as const });

export const networkFunctions: Record<string, HclFunction> = {
  cidrhost: {
    params: [str("prefix"), num("hostnum")],
    impl: ([p, h]) => cidrHost(p as string, goInt(h as HclValue)),
  },
  cidrnetmask: {
    params: [str("prefix")],
    impl: ([p]) => {
      const net = parseCidr(p as string);
      return formatIp(mask(net.prefix, net.bits), net.bits);
    },
  },
  cidrsubnet: {
    params: [str("prefix"), num("newbits"), num("netnum")],
    impl: ([p, b, n]) => cidrSubnet(p as string, goInt(b as HclValue), goInt(n as HclValue)),
  },
  cidrsubnets: {
    params: [str("prefix")],
    variadic: num("newbits"),
    impl: ([p, ...bits]) =>
      cidrSubnets(
        p as string,
        bits.map((b, i) => wholeNumber(b as HclValue, i + 1)),
      ),
  },
};
