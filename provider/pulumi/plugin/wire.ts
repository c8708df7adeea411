import { isPlainObject } from "../packer-fields";

/**
 * Secrets as the engine sends and expects them from a provider that accepts secrets: an object carrying
 * Pulumi's secret signature around the value. The plugin unwraps them to build, lists their strings for
 * redaction, and wraps the same places again in what it returns, so they stay secret in the state.
 */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Secret {
  readonly [SIG_KEY]: typeof SECRET_SIG;
  readonly value: unknown;
}

export function isSecret(value: unknown): value is Secret {
  return isPlainObject(value) && value[SIG_KEY] === SECRET_SIG;
}

export function secret(value: unknown): Secret {
  return { [SIG_KEY]: SECRET_SIG, value };
}

/** The value with every secret unwrapped, at any depth. */
export function reveal(value: unknown): unknown {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map(reveal);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  return value;
}

/** Every string inside a secret, at any depth (for redaction by value). */
export function secretValues(value: unknown, inside = false): string[] {
  if (isSecret(value)) return secretValues(value.value, true);
  if (typeof value === "string") return inside && value ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => secretValues(v, inside));
  if (isPlainObject(value)) return Object.values(value).flatMap((v) => secretValues(v, inside));
  return [];
}

/** `plain` with a secret wrapped wherever `wired` (the same shape as received) had one. */
export function rewrap(plain: unknown, wired: unknown): unknown {
  if (isSecret(wired)) return secret(plain);
  if (Array.isArray(plain) && Array.isArray(wired)) return plain.map((v, i) => rewrap(v, wired[i]));
  if (isPlainObject(plain) && isPlainObject(wired)) {
    return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, rewrap(v, wired[k])]));
  }
  return plain;
}
