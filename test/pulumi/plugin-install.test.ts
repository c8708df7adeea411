import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { engineEnv } from "./engine";
import { ROOT } from "./plugin-harness";

// The plugin as a user installs it: the tarball scripts/pack-plugin.sh makes (after `make build`),
// installed with `pulumi plugin install`, then found by name and asked for its schema.
const run = promisify(execFile);
const MINUTES = 60_000;
const work = mkdtempSync(join(tmpdir(), "kiln-plugin-install-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("pulumi-resource-kiln installed from its tarball", () => {
  it("`pulumi plugin install resource kiln VERSION --file` takes it; it serves the committed schema", {
    // The tarball carries @pulumi/aws (for the fleet component): minutes on a loaded machine.
    timeout: 12 * MINUTES,
  }, async () => {
    const tarball = join(work, "pulumi-resource-kiln.tgz");
    await run("bash", [join(ROOT, "scripts/pack-plugin.sh"), tarball], { maxBuffer: 16 * 1024 * 1024 });
    const env = { ...process.env, ...engineEnv(work) };
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version as string;
    await run("pulumi", ["plugin", "install", "resource", "kiln", version, "--file", tarball], { env });
    const { stdout: listed } = await run("pulumi", ["plugin", "ls"], { env });
    expect(listed).toMatch(new RegExp(`kiln\\s+resource\\s+${version.replaceAll(".", "\\.")}`));
    // Found by name in the plugin cache, away from this checkout.
    const { stdout } = await run("pulumi", ["package", "get-schema", "kiln"], {
      env,
      cwd: work,
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(JSON.parse(stdout)).toEqual(JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8")));
  });
});
