import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BakedImage } from "../../provider/pulumi";
import { processesMatching } from "../fixtures/sshd";
import { engineEnv, engineStack, projectOnDisk, pulumiCli, Recorder } from "./engine";
import { ebsArgs, leftovers, REGION, useEnv } from "./harness";

// Cancelling `pulumi up` while a BakedImage bakes, with the real CLI. What Pulumi does (v3.274): on the
// first SIGINT (and on `pulumi cancel`) it stops starting new steps but waits for the ones in flight; it
// does not signal a dynamic provider, which cannot be told to stop. So the build finishes and the image
// is recorded in the state, for `destroy` to remove. A second SIGINT ends the CLI at once and its plugins
// with it: the provider host gets SIGINT and its build cleans up (a janitor stands by if it is killed).
const env = useEnv();
const MINUTES = 60_000;
const DIST = join(__dirname, "../../dist/provider/pulumi/index.js");

/** A BakedImage whose build sleeps, so the test can interrupt it while the machine exists. */
function sleepyBuild(e: ReturnType<typeof env>) {
  return { amazonEbs: ebsArgs(e), provisioners: [{ type: "shell" as const, inline: ["echo sleeping", "sleep 12"] }] };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 3 * MINUTES): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("interrupting `pulumi up` mid-build", () => {
  it("first SIGINT: the build in flight finishes and is recorded, no temporary resource is left, destroy removes it", {
    timeout: 5 * MINUTES,
  }, async () => {
    const e = env();
    const { stack } = await engineStack(e.work, async () => {
      const image = new BakedImage("web", sleepyBuild(e));
      return { imageId: image.imageId };
    });
    const up = new Recorder();
    const cancel = new AbortController();
    const running = stack.up({ ...up.opts, signal: cancel.signal });
    await until(() => up.output.includes("sleeping"), "the build to reach its provisioner");
    cancel.abort();
    await expect(running).rejects.toThrow(/update canceled/);
    const left = (await leftovers(e.moto)).byRegion[REGION];
    expect(left).toMatchObject({ instances: [], keyPairs: [], securityGroups: [], volumes: [] });
    const recorded = (await stack.exportStack()).deployment.resources ?? [];
    const image = recorded.find((r: { type: string }) => r.type.endsWith(":BakedImage"));
    expect(left?.images).toEqual([image?.id]);
    await stack.destroy();
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("`pulumi cancel` from another shell, then a second SIGINT: nothing is left in the cloud", {
    timeout: 8 * MINUTES,
  }, async () => {
    const e = env();
    expect(existsSync(DIST), "dist/ is built first (make build)").toBe(true);
    const dir = projectOnDisk(
      e.work,
      "kiln-cli",
      'const { BakedImage } = require(KILN_PULUMI);\nexports.imageId = new BakedImage("web", require("./settings.json")).imageId;\n',
    );
    writeFileSync(join(dir, "settings.json"), JSON.stringify(sleepyBuild(e)));
    pulumiCli(dir, e.work, ["login", `file://${e.work}`]);

    const upOnce = async (stackName: string, interrupt: (child: ReturnType<typeof spawn>) => Promise<void>) => {
      pulumiCli(dir, e.work, ["stack", "init", stackName]);
      const child = spawn("pulumi", ["up", "--yes", "--skip-preview", "--non-interactive"], {
        cwd: dir,
        env: { ...process.env, ...engineEnv(e.work) },
      });
      let output = "";
      const exited = once(child, "exit");
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk;
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk;
      });
      await until(() => output.includes("sleeping") || child.exitCode !== null, "the build to reach its provisioner");
      expect(output).toContain("sleeping");
      await interrupt(child);
      await exited;
      return output;
    };

    // `pulumi cancel` (DIY backend): the lock goes, the update carries on to the end and records the image.
    const cancelled = await upOnce("cancel", async () => {
      expect(pulumiCli(dir, e.work, ["cancel", "--yes", "--stack", "cancel"])).toMatch(/has been canceled/);
    });
    expect(cancelled).toMatch(/created/);
    expect((await leftovers(e.moto)).byRegion[REGION]).toMatchObject({ instances: [], images: [expect.any(String)] });
    pulumiCli(dir, e.work, ["destroy", "--yes", "--stack", "cancel"]);
    expect((await leftovers(e.moto)).total).toBe(0);

    // Two SIGINTs: the CLI ends at once; the provider host's build removes what it made.
    const killed = await upOnce("twice", async (child) => {
      child.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 1000));
      child.kill("SIGINT");
    });
    expect(killed).toContain("^C received; terminating");
    expect(killed).toContain("[kiln] SIGINT received: cancelling");
    expect(killed).toMatch(/was cancelled: interrupted by SIGINT/);
    await until(async () => (await leftovers(e.moto)).total === 0, "the interrupted build to clean up", MINUTES);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("a provider host killed right after the SIGINT leaves its cleanup to the janitor, which removes everything", {
    timeout: 5 * MINUTES,
  }, async () => {
    const e = env();
    const { stack, dir } = await engineStack(e.work, async () => {
      new BakedImage("web", sleepyBuild(e));
    });
    const up = new Recorder();
    const running = stack.up(up.opts).then(
      () => "succeeded",
      (error: Error) => error.message,
    );
    await until(() => up.output.includes("sleeping"), "the build to reach its provisioner");
    // The dynamic provider host Pulumi started for this project (its working directory).
    const [host, ...others] = processesMatching("dynamic-provider").filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === dir;
      } catch {
        return false;
      }
    });
    expect(others).toEqual([]);
    process.kill(host as number, "SIGINT");
    await until(() => /process \d+ finishes the cleanup/.test(up.output), "the janitor to stand by", 30_000);
    process.kill(host as number, "SIGKILL");
    expect(await running).not.toBe("succeeded");
    await until(
      async () => (await leftovers(e.moto)).total === 0,
      "the janitor to remove the build's resources",
      MINUTES,
    );
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});
