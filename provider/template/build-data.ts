import { KilnError } from "../engine/errors";

/**
 * Build data (`build.Host`, `build.ID`, `build.PackerRunUUID`, a builder's `build.SourceAMI`, legacy
 * `{{ build `Host` }}`) exists only once a build has started. The loader leaves a marker in place of each
 * reference, inside the string it was written in, and the engine calls `resolveBuildData` with the
 * build's generated data when a provisioner or post-processor starts. Markers use Unicode noncharacters
 * (reserved for internal use, so no template contains them), around the readable name, so a leaked marker still says what it was.
 */
const OPEN = "\uFDD0";
const CLOSE = "\uFDD1";
const MARKER = /\uFDD0build\.([A-Za-z_][A-Za-z0-9_]*)\uFDD1/g;

/** Keys every build provides (packer-plugin-sdk `BuilderDataCommonKeys`), plus whatever the builder generates. */
export const COMMON_BUILD_DATA_KEYS = [
  "ID",
  "Host",
  "Port",
  "User",
  "Password",
  "ConnType",
  "PackerRunUUID",
  "PackerHTTPAddr",
  "PackerHTTPIP",
  "PackerHTTPPort",
  "SSHPublicKey",
  "SSHPrivateKey",
  "WinRMPassword",
] as const;

/** The placeholder string that stands for `build.<key>` until the build runs. */
export function deferredBuildData(key: string): string {
  return `${OPEN}build.${key}${CLOSE}`;
}

/** Whether a key names build data (not `build.name`, which is known when the template loads). */
export function isBuildDataKey(key: string): boolean {
  return /^[A-Z][A-Za-z0-9_]*$/.test(key);
}

/** The build data keys a value is waiting for, e.g. `["Host", "User"]`. */
export function deferredBuildKeys(value: unknown): string[] {
  const keys = new Set<string>();
  visitStrings(value, (text) => {
    for (const match of text.matchAll(MARKER)) keys.add(match[1] as string);
  });
  return [...keys];
}

export class BuildDataError extends KilnError {
  readonly missing: readonly string[];
  constructor(missing: readonly string[], known: readonly string[]) {
    super(
      "BUILD_DATA_MISSING",
      `build data ${missing.map((k) => `build.${k}`).join(", ")} is not provided by this build (known: ${
        known.length ? known.join(", ") : "none"
      })`,
    );
    this.missing = missing;
  }
}

/**
 * Replaces every build data marker in `value` (strings, arrays and objects, deeply) with the build's
 * generated data. Throws `BuildDataError` naming the keys the build does not provide. Values without
 * markers come back unchanged (the same object), so calling it on every config is cheap.
 */
export function resolveBuildData<T>(value: T, generated: Readonly<Record<string, string>>): T {
  const missing = deferredBuildKeys(value).filter((key) => !Object.hasOwn(generated, key));
  if (missing.length) throw new BuildDataError(missing, Object.keys(generated));
  return mapStrings(value, (text) =>
    text.includes(OPEN) ? text.replace(MARKER, (_, key: string) => generated[key] as string) : text,
  );
}

function visitStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === "string") visit(value);
  else if (Array.isArray(value)) for (const item of value) visitStrings(item, visit);
  else if (value && typeof value === "object") for (const item of Object.values(value)) visitStrings(item, visit);
}

function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === "string") return map(value) as T;
  if (Array.isArray(value)) {
    const items = value.map((item) => mapStrings(item, map));
    return (items.every((item, i) => item === value[i]) ? value : items) as T;
  }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const mapped = mapStrings(v, map);
      changed ||= mapped !== v;
      Object.defineProperty(out, k, { value: mapped, enumerable: true, writable: true, configurable: true });
    }
    return (changed ? out : value) as T;
  }
  return value;
}
