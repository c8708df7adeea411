import { describe, expect, it } from "vitest";
import { fieldLocations, JsonSyntaxError, parseJsonDocument, pointer } from "../../provider/template/json-source";

describe("JSON reader with positions", () => {
  const text = '{\n  "a": [1, {"b/c": "x\\u00e9\\n"}],\n  "__proto__": {"p": true},\n  "n": -1.5e2\n}';

  it("parses values as JSON.parse does", () => {
    const doc = parseJsonDocument(text, "t.json");
    expect(JSON.stringify(doc.value)).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(doc.value, "__proto__")?.value).toEqual({ p: true });
  });

  it("maps JSON pointers to where values and keys were written", () => {
    const doc = parseJsonDocument(text, "t.json");
    expect(doc.values.get("")).toEqual({ file: "t.json", line: 1, column: 1 });
    expect(doc.values.get("/a/1")).toEqual({ file: "t.json", line: 2, column: 12 });
    expect(doc.keys.get(`/a/1${pointer("b/c")}`)).toEqual({ file: "t.json", line: 2, column: 13 });
    expect(doc.values.get("/n")).toEqual({ file: "t.json", line: 4, column: 8 });
    expect(fieldLocations(doc, "")).toMatchObject({
      a: { line: 2, column: 3 },
      "a[1]": { line: 2, column: 12 },
      "a[1].b/c": { line: 2, column: 13 },
      n: { line: 4, column: 3 },
    });
  });

  it.each([
    ['{"a": 1,}', 1, 9, /expected a quoted key/],
    ['{"a": [1 2]}', 1, 10, /expected "," or "\]" in array/],
    ['{"a": "x\ny"}', 1, 9, /control character/],
    ['{"a": "\\q"}', 1, 8, /invalid escape "\\q"/],
    ['{"a": 01}', 1, 8, /unexpected character "1" after the end|expected "," or "\}"/],
    ['{\n"a": 1,\n"a": 2}', 3, 1, /duplicate key "a"/],
    ["[1, 2", 1, 6, /expected "," or "\]" in array, found end of file/],
    ["", 1, 1, /expected a value, found end of file/],
  ])("rejects %j at %i:%i", (bad, line, column, message) => {
    let error: unknown;
    try {
      parseJsonDocument(bad, "t.json");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonSyntaxError);
    expect((error as JsonSyntaxError).message).toMatch(message);
    expect((error as JsonSyntaxError).where).toEqual({ file: "t.json", line, column });
  });
});
