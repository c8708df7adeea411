import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { WORK_CHANNEL, type WorkEvent } from "../../provider/engine/trace";
import type { BakedImageInputs } from "../../provider/pulumi/inputs";
import { bakedImageOperations } from "../../provider/pulumi/operations";
import { kilnProvider } from "../../provider/pulumi/plugin/provider";

// Issue 9, "once per operation": each BakedImage operation loads the template, validates the build and
// hashes its files at most once. Counted on the `kiln:work` diagnostics channel the engine publishes to.
const dir = mkdtempSync(join(tmpdir(), "kiln-once-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, "web.pkr.hcl"),
  `source "null" "box" {
  communicator = "none"
}
build {
  sources = ["source.null.box"]
  provisioner "shell-local" {
    script = "build.sh"
  }
}
`,
);
writeFileSync(join(dir, "build.sh"), "#!/bin/sh\necho baked\n", { mode: 0o755 });

/** What `run` did, by kind, as the engine reported it. */
async function work(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const count = (event: unknown) => {
    const { kind } = event as WorkEvent;
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  subscribe(WORK_CHANNEL, count);
  try {
    await run();
  } finally {
    unsubscribe(WORK_CHANNEL, count);
  }
  return counts;
}

const args = { template: "web.pkr.hcl", baseDir: dir };

describe("a BakedImage operation loads, validates and fingerprints once", () => {
  it("the provider plugin's check: one load and one validation give both the failures and the fingerprint", async () => {
    const plugin = kilnProvider({ log: () => () => {} });
    let checked: Awaited<ReturnType<NonNullable<typeof plugin.check>>> | undefined;
    const counts = await work(async () => {
      checked = await plugin.check?.("urn:pulumi:dev::web::kiln:index:BakedImage::img", {}, args);
    });
    expect(checked?.failures).toEqual([]);
    expect(checked?.inputs.fingerprint).toMatch(/^sha256:/);
    expect(counts).toEqual({ operation: 1, "template-load": 1, validate: 1, fingerprint: 1 });
  });

  it("the dynamic provider's check and create (its fingerprint comes from the program)", async () => {
    const operations = bakedImageOperations({
      write: () => {},
      interruptible: (run) => run(new AbortController().signal),
    });
    const inputs: BakedImageInputs = {
      ...args,
      sourceName: "box",
      fingerprint: "sha256:from-the-program",
      sensitiveValues: [],
      owner: "web/dev/img",
    };
    expect(await work(() => operations.check(inputs))).toEqual({ operation: 1, "template-load": 1, validate: 1 });
    let created: { id: string } | undefined;
    const counts = await work(async () => {
      created = await operations.create(inputs);
    });
    expect(created?.id).toMatch(/^kiln-/);
    expect(counts).toEqual({ operation: 1, "template-load": 1, validate: 1 });
  });
});
