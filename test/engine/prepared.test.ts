import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { describe, expect, it } from "vitest";
import { builderDescriptor } from "../../provider/builders/registry";
import * as engine from "../../provider/engine/build";
import { WORK_CHANNEL, type WorkEvent } from "../../provider/engine/trace";
import { build, defaultPlugins, fingerprint, prepare } from "../../provider/kiln";
import type { BuildSpec } from "../../provider/spec/types";
import { staticRegistry } from "../../provider/util/lazy-registry";

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

  it("is validated once and hashed once, however often it is fingerprinted and then built", async () => {
    const kinds: string[] = [];
    const count = (event: unknown) => kinds.push((event as WorkEvent).kind);
    subscribe(WORK_CHANNEL, count);
    try {
      // Kiln's plugins, but a `null` builder that looks for an earlier artifact, so the build fingerprints too.
      const nullDescriptor = builderDescriptor("null");
      const runtime = await nullDescriptor.load();
      const builders = staticRegistry({
        null: { ...nullDescriptor, load: async () => ({ ...runtime, findExisting: async () => undefined }) },
      });
      const prepared = await engine.prepare(spec, { ...defaultPlugins, builders });
      const first = await engine.fingerprint(prepared);
      expect(await engine.fingerprint(prepared)).toEqual(first);
      const built = await engine.build(prepared);
      expect(built.builds[0]?.fingerprint).toBe(first["null.box"]);
    } finally {
      unsubscribe(WORK_CHANNEL, count);
    }
    expect(kinds.sort()).toEqual(["fingerprint", "validate"]);
  });
});
