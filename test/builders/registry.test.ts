import { describe, expect, it } from "vitest";
import { BUILDERS, builderDescriptor, builderTypes, loadBuilder } from "../../provider/builders/registry";
import { destroyArtifact } from "../../provider/kiln";
import { janitorPlan } from "../../provider/pulumi/janitor";

describe("builder registry", () => {
  it("names every descriptor by its own type, and loads steps for each", async () => {
    for (const type of builderTypes) {
      expect(BUILDERS[type].type).toBe(type);
      const builder = await loadBuilder(type);
      expect(builder.type).toBe(type);
      expect(builder.schema).toBe(BUILDERS[type].schema);
      expect(builder.setupSteps).toBeTypeOf("function");
    }
  });

  it("fails loudly for a builder type it does not know, wherever it dispatches", async () => {
    expect(() => builderDescriptor("qemu")).toThrow(
      /unknown builder type "qemu" \(Kiln knows null, amazon-ebs, azure-arm\)/,
    );
    await expect(loadBuilder("qemu")).rejects.toThrow(/unknown builder type "qemu"/);
    await expect(
      destroyArtifact({ buildName: "b", builderType: "qemu", id: "x", files: [], details: {} }),
    ).rejects.toMatchObject({ code: "UNKNOWN_BUILDER" });
    expect(() => janitorPlan({ type: "qemu", name: "q", config: {} }, ["kiln-1"])).toThrow(/unknown builder/);
  });

  it("takes the janitor's regions from the descriptor, and none for a builder that leaves nothing", () => {
    const plan = janitorPlan(
      { type: "amazon-ebs", name: "a", config: { region: "us-east-1", ami_regions: ["eu-west-1"] } },
      ["kiln-1"],
    );
    expect(plan?.regions).toEqual(["us-east-1", "eu-west-1"]);
    expect(janitorPlan({ type: "null", name: "n", config: {} }, ["kiln-1"])).toBeUndefined();
  });

  it("destroys a null artifact as a no-op, declared by the descriptor", async () => {
    await expect(
      destroyArtifact({ buildName: "b", builderType: "null", id: "Null", files: [], details: {} }),
    ).resolves.toBeUndefined();
  });
});
