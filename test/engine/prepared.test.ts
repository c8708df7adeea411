import { describe, expect, it } from "vitest";
import { build, fingerprint, prepare } from "../../provider/kiln";
import type { BuildSpec } from "../../provider/spec/types";

const spec: BuildSpec = { sources: [{ type: "null", name: "box", config: { communicator: "none" } }] };

describe("a prepared build", () => {
  it("runs and fingerprints without being validated again", async () => {
    const prepared = await prepare(spec);
    const result = await build(prepared);
    expect(result.artifacts.map((a) => a.id)).toEqual(["Null"]);
    expect(Object.keys(await fingerprint(prepared))).toEqual(["null.box"]);
  });

  it("is refused at prepare time when the spec is wrong, before anything runs", async () => {
    await expect(
      prepare({ sources: [{ type: "null", name: "box", config: { communicator: "none", bogus: 1 } }] }),
    ).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
