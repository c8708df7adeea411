import { describe, expect, it } from "vitest";
import { amazonEbsDescriptor } from "../../provider/builders/amazon-ebs/descriptor";
import { azureArmDescriptor } from "../../provider/builders/azure-arm/descriptor";
import { descriptorRegistry } from "../../provider/util/lazy-registry";

describe("a descriptor registry", () => {
  it("reads no descriptor's members until its type is asked for", async () => {
    const read: string[] = [];
    const descriptor = (type: string) => ({
      get schema() {
        read.push(type);
        return `${type} schema`;
      },
      load: async () => ({ run: `${type} runtime` }),
    });
    const registry = descriptorRegistry({ a: descriptor("a"), b: descriptor("b") });
    expect(read).toEqual([]);

    const a = await registry.get("a");
    expect(a).toEqual({ schema: "a schema", run: "a runtime" });
    expect(read).toEqual(["a"]);
    await registry.get("a");
    expect(read).toEqual(["a"]);
  });
});

describe("the cloud builders' schemas", () => {
  it("are built once, on first read, and kept", () => {
    for (const descriptor of [amazonEbsDescriptor, azureArmDescriptor]) {
      expect(descriptor.schema).toBe(descriptor.schema);
      expect(descriptor.schema.safeParse({ no_such_field: 1 }).success).toBe(false);
    }
  });
});
