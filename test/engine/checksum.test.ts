import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildReporter } from "../../provider/engine/events";
import { checksumPostProcessor } from "../../provider/postprocessors/checksum";

// The checksum post-processor on real files, checked against coreutils' own digests.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-checksum-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("checksum post-processor", () => {
  it("writes one file per type, Packer's `digest<TAB>name` lines, matching md5sum and sha256sum", async () => {
    writeFileSync(join(dir, "disk.qcow2"), Buffer.alloc(300_000, 3));
    writeFileSync(join(dir, "disk.vmx"), "config");
    const ctx = {
      buildName: "qemu.box",
      sourceName: "box",
      builderType: "qemu",
      buildId: "kiln-test",
      runUuid: "run",
      fingerprint: "",
      baseDir: dir,
      reporter: buildReporter(
        "qemu.box",
        () => {},
        (t) => t,
      ),
      redact: (t: string) => t,
      force: false,
      generated: {},
    };
    const artifact = {
      buildName: "qemu.box",
      builderType: "qemu",
      id: "box",
      files: ["disk.qcow2", "disk.vmx"],
      details: {},
    };
    const config = checksumPostProcessor.schema.parse({ checksum_types: ["md5", "sha256"] });
    const out = await checksumPostProcessor.run(
      config,
      artifact,
      { ctx, step: "checksum", output: () => {} },
      new AbortController().signal,
    );

    expect(out.files.map((f) => f.replace(`${dir}/`, ""))).toEqual([
      "packer_box_qemu_md5.checksum",
      "packer_box_qemu_sha256.checksum",
    ]);
    for (const [type, tool] of [
      ["md5", "md5sum"],
      ["sha256", "sha256sum"],
    ] as const) {
      const expected = execFileSync(tool, ["disk.qcow2", "disk.vmx"], { cwd: dir, encoding: "utf8" }).replace(
        / {2}/g,
        "\t",
      );
      expect(readFileSync(join(dir, `packer_box_qemu_${type}.checksum`), "utf8")).toBe(expected);
    }
  });
});
