/**
 * JSON as Go's json.MarshalIndent(v, "", "  ") writes it, for files Packer users diff or parse with
 * Go-aware tools: `<`, `>`, `&`, U+2028 and U+2029 escaped as \u003c…, and control characters other
 * than \n, \r, \t as \u00XX (Go has no \b or \f shorthand). No trailing newline.
 */
export function goJsonIndent(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/"(?:[^"\\]|\\.)*"/g, (literal) =>
    literal.replace(/\\(.)|([<>&\u2028\u2029])/g, (whole, escaped: string | undefined, special: string | undefined) => {
      if (special) return `\\u${special.charCodeAt(0).toString(16).padStart(4, "0")}`;
      if (escaped === "b") return "\\u0008";
      if (escaped === "f") return "\\u000c";
      return whole;
    }),
  );
}
