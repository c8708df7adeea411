import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWeakly } from "../../provider/spec/weak-types";

const schema = z.strictObject({
  ssh_port: z.number().int().optional(),
  ssh_username: z.string().optional(),
  pty: z.boolean().optional(),
  nested: z.array(z.strictObject({ size: z.number() })).optional(),
});

describe("parseWeakly: Packer's conversions to a field's type", () => {
  it("turns rendered strings into numbers and booleans, and numbers into strings", () => {
    const result = parseWeakly(schema, {
      ssh_port: "2222",
      ssh_username: 1000,
      pty: "true",
      nested: [{ size: "8" }, { size: 9 }],
    });
    expect(result.success && result.data).toEqual({
      ssh_port: 2222,
      ssh_username: "1000",
      pty: true,
      nested: [{ size: 8 }, { size: 9 }],
    });
  });

  it("accepts Go's strconv.ParseBool spellings", () => {
    for (const [text, value] of [
      ["1", true],
      ["t", true],
      ["FALSE", false],
      ["0", false],
    ] as const) {
      const result = parseWeakly(schema, { pty: text });
      expect(result.success && result.data.pty).toBe(value);
    }
  });

  it("still rejects what no conversion makes valid, leaving the input untouched", () => {
    const raw = { ssh_port: "twenty-two", pty: "maybe", ssh_username: ["a"] };
    const result = parseWeakly(schema, raw);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["ssh_port", "ssh_username", "pty"]);
    expect(raw.ssh_port).toBe("twenty-two");
  });

  it("does not take inherited names for boolean spellings: `toString` is a string, not a function", () => {
    for (const text of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      const result = parseWeakly(schema, { pty: text });
      expect(result.success).toBe(false);
      expect(result.error?.issues).toHaveLength(1);
      expect(result.error?.issues[0]).toMatchObject({ path: ["pty"], expected: "boolean" });
      expect(result.error?.issues[0]?.message).toMatch(/received string/);
    }
  });
});
