/**
 * JSON as Go's encoding/json writes it (so does Terraform's `jsonencode`): `<`, `>`, `&`, U+2028 and
 * U+2029 escaped as \u003c…, and control characters other than \n, \r, \t as \u00XX (Go has no \b or \f
 * shorthand). Compact, or indented as json.MarshalIndent(v, "", "  ") with `indent` 2. No trailing newline.
 */
export function goJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/"(?:[^"\\]|\\.)*"/g, (literal) =>
    literal.replace(/\\(.)|([<>&\u2028\u2029])/g, (whole, escaped: string | undefined, special: string | undefined) => {
      if (special) return `\\u${special.charCodeAt(0).toString(16).padStart(4, "0")}`;
      if (escaped === "b") return "\\u0008";
      if (escaped === "f") return "\\u000c";
      return whole;
    }),
  );
}

/** Packer's manifest layout: Go's json.MarshalIndent(v, "", "  "). */
export function goJsonIndent(value: unknown): string {
  return goJson(value, 2);
}
