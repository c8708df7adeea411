import { describe, expect, it } from "vitest";
import { goJsonIndent } from "../../provider/util/go-json";

describe("goJsonIndent (Packer's manifest layout: Go's json.MarshalIndent)", () => {
  it("escapes <, >, &, U+2028/U+2029 and \\b, \\f as Go does, keeps \\n \\r \\t and ends without a newline", () => {
    const text = goJsonIndent({ a: "<x> & y\u2028\u2029", b: "\b\f\n\r\t\u0001", c: ["back\\slash b", 1, null] });
    expect(text).toBe(
      [
        "{",
        '  "a": "\\u003cx\\u003e \\u0026 y\\u2028\\u2029",',
        '  "b": "\\u0008\\u000c\\n\\r\\t\\u0001",',
        '  "c": [',
        '    "back\\\\slash b",',
        "    1,",
        "    null",
        "  ]",
        "}",
      ].join("\n"),
    );
    expect(JSON.parse(text)).toEqual({
      a: "<x> & y\u2028\u2029",
      b: "\b\f\n\r\t\u0001",
      c: ["back\\slash b", 1, null],
    });
  });

  it("escapes keys too", () => {
    expect(goJsonIndent({ "a<b": 1 })).toBe('{\n  "a\\u003cb": 1\n}');
  });
});
