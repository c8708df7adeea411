import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { bakedImageProvider } from "../../provider/pulumi/provider";

// Pulumi serializes the provider object into the resource's `__provider` input and rebuilds it in its
// provider host, a separate Node process: the text must capture nothing that cannot cross. The host
// itself runs under the real engine in engine.test.ts and interrupt.test.ts.
let serialized = "";

beforeAll(async () => {
  // Exactly what pulumi.dynamic.Resource does with the provider.
  serialized = (await pulumi.runtime.serializeFunction(() => bakedImageProvider, { allowSecrets: true })).text;
});

describe("BakedImage provider, serialized as Pulumi does", () => {
  it("captures only text: the runtime is required by path, no SDK client, engine or native module", () => {
    expect(serialized).toContain("exports.handler");
    expect(serialized).toMatch(/provider[/\\]pulumi[/\\]runtime\.(ts|js)/);
    for (const captured of ["EC2Client", "ssh2", "zod", "prepareAll", "makeRedactor"]) {
      expect(serialized).not.toContain(captured);
    }
  });
});
