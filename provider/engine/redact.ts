/** Packer's placeholder for sensitive values, so output reads the same as users know it. */
export const REDACTED = "<sensitive>";

/**
 * Builds a function that replaces every secret with `<sensitive>`. Multi-line secrets (private keys) are
 * also redacted line by line, since output arrives one line at a time.
 */
export function makeRedactor(secrets: Iterable<string>): (text: string) => string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    if (secret.includes("\n")) {
      for (const line of secret.split("\n")) if (line.trim().length >= 8) needles.add(line.trim());
    }
  }
  if (needles.size === 0) return (text) => text;
  // Longest first, so a secret containing another is replaced whole.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ordered.map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, REDACTED);
}

/** Deep copy of a JSON value with every string passed through `redact`. */
export function redactValue<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, redact)])) as T;
  }
  return value;
}

function redactFields(fields: Record<string, unknown>, builtIn: string[], redact: (text: string) => string): void {
  for (const key of new Set([...builtIn, ...Object.keys(fields)])) {
    const value = fields[key];
    if (typeof value !== "string") continue;
    try {
      fields[key] = redact(value);
    } catch {
      // A read-only property (DOMException's message when a signal aborts): built in, no secret in it.
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Redacts an error in place before it leaves a build: its message, stack and every string field (a
 * CommandError's command, say), down its `cause` chain. Errors are built deep inside plugins from
 * commands and output that may carry secrets; the build boundary is the one place all of them pass.
 */
export function redactError(error: unknown, redact: (text: string) => string): void {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 10; depth++) {
    const fields = current as unknown as Record<string, unknown>;
    redactFields(fields, ["message", "stack"], redact);
    // A KilnError's context names resources and files, which can be built from secret values too.
    const context = fields.context;
    if (typeof context === "object" && context !== null) {
      const copy = { ...(context as Record<string, unknown>) };
      redactFields(copy, [], redact);
      try {
        fields.context = copy;
      } catch {
        // Read-only: not one of ours.
      }
    }
    current = current.cause;
  }
}
