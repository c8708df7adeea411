import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BuildFailedError } from "../../provider/engine/build";
import { CancelledError, ConfigError } from "../../provider/engine/errors";
import type { BuildEvent } from "../../provider/engine/events";
import { build } from "../../provider/kiln";
import type { BuildSpec, ProvisionerSpec } from "../../provider/spec/types";
import { processesMatching, type SshdHandle, sshLogin, startSshd } from "../fixtures/sshd";

// Every build here runs against a real OpenSSH server on loopback through the null builder.
let sshd: SshdHandle;
let work: string;

beforeAll(async () => {
  sshd = await startSshd();
});
afterAll(async () => {
  await sshd?.stop();
});
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-null-"));
});

function spec(provisioners: ProvisionerSpec[], extra: Partial<BuildSpec> = {}): BuildSpec {
  return {
    baseDir: work,
    sources: [
      {
        type: "null",
        name: "target",
        config: sshLogin(sshd),
      },
    ],
    provisioners,
    ...extra,
  };
}

function recorder() {
  const events: BuildEvent[] = [];
  return {
    events,
    onEvent: (e: BuildEvent) => events.push(e),
    lines: () => events.flatMap((e) => (e.type === "output" ? [e.line] : [])),
  };
}

describe("null builder against a real sshd", () => {
  it("runs inline, script and scripts with environment, in order, streaming output", async () => {
    writeFileSync(join(work, "one.sh"), '#!/bin/sh\necho "one $GREETING"\n');
    writeFileSync(join(work, "two.sh"), '#!/bin/sh\necho "two $PACKER_BUILD_NAME $PACKER_BUILDER_TYPE"\n');
    const out = join(work, "out.txt");
    const rec = recorder();
    const result = await build(
      spec([
        {
          type: "shell",
          config: {
            inline: ["echo first", `echo "$A and $B" > ${out}`],
            environment_vars: ["A=it's"],
            env: { B: "$HOME" },
          },
        },
        { type: "shell", config: { script: "one.sh", environment_vars: ["GREETING=hello"] } },
        { type: "shell", config: { scripts: ["two.sh"] } },
      ]),
      { onEvent: rec.onEvent },
    );
    expect(result.artifacts.map((a) => a.id)).toEqual(["Null"]);
    expect(readFileSync(out, "utf8")).toBe("it's and $HOME\n");
    const lines = rec.lines();
    expect(lines).toContain("first");
    expect(lines).toContain("one hello");
    expect(lines).toContain("two target null");
    expect(lines.indexOf("first")).toBeLessThan(lines.indexOf("one hello"));
  });

  it("honours execute_command, inline_shebang, remote_path, valid_exit_codes and skip_clean", async () => {
    const remote = join(work, "kept.sh");
    await build(
      spec([
        {
          type: "shell",
          config: {
            inline: [`echo $0 > ${join(work, "shebang.txt")}`, "exit 3"],
            inline_shebang: "/bin/bash -e",
            execute_command: "chmod +x {{ .Path }}; {{ .Vars }} sudo -n true 2>/dev/null; {{.Path}}",
            remote_path: remote,
            valid_exit_codes: [0, 3],
            skip_clean: true,
          },
        },
      ]),
    );
    expect(readFileSync(remote, "utf8").startsWith("#!/bin/bash -e\n")).toBe(true);
    expect(readFileSync(join(work, "shebang.txt"), "utf8").trim()).toBe(remote);
  });

  it("runs the script by the default execute_command, with no chmod: the upload makes it 0755, also over a file that was not", async () => {
    const remote = join(work, "existing.sh");
    writeFileSync(remote, "not a script\n", { mode: 0o600 });
    const rec = recorder();
    await build(
      spec([{ type: "shell", config: { inline: ["echo ran as $0"], remote_path: remote, skip_clean: true } }]),
      {
        onEvent: rec.onEvent,
      },
    );
    expect(rec.lines()).toContain(`ran as ${remote}`);
    expect(statSync(remote).mode & 0o777).toBe(0o755);
  });

  it("removes the uploaded script unless skip_clean", async () => {
    const remote = join(work, "gone.sh");
    await build(spec([{ type: "shell", config: { inline: ["true"], remote_path: remote } }]));
    expect(existsSync(remote)).toBe(false);
  });

  it("file provisioner: file, content, directory with and without trailing slash, download", async () => {
    mkdirSync(join(work, "site/css"), { recursive: true });
    writeFileSync(join(work, "site/index.html"), "<h1>hi</h1>");
    writeFileSync(join(work, "site/css/a.css"), "body{}");
    writeFileSync(join(work, "app.bin"), Buffer.alloc(1024 * 1024, 7));
    const dest = join(work, "remote");
    mkdirSync(dest);
    await build(
      spec([
        { type: "file", config: { source: "app.bin", destination: join(dest, "app.bin") } },
        { type: "file", config: { content: "motd text", destination: join(dest, "motd") } },
        { type: "file", config: { source: "site", destination: join(dest, "a") } },
        { type: "file", config: { source: "site/", destination: join(dest, "b") } },
        { type: "file", config: { source: join(dest, "motd"), destination: "downloaded/", direction: "download" } },
      ]),
    );
    expect(readFileSync(join(dest, "app.bin"))).toEqual(Buffer.alloc(1024 * 1024, 7));
    expect(readFileSync(join(dest, "motd"), "utf8")).toBe("motd text");
    expect(readFileSync(join(dest, "a/site/css/a.css"), "utf8")).toBe("body{}");
    expect(readFileSync(join(dest, "b/index.html"), "utf8")).toBe("<h1>hi</h1>");
    expect(readFileSync(join(work, "downloaded/motd"), "utf8")).toBe("motd text");
  });

  it("shell-local provisioner and post-processors: manifest appended, shell-local", async () => {
    const rec = recorder();
    const manifest = join(work, "manifest.json");
    const run = () =>
      build(
        spec([{ type: "shell-local", config: { inline: ["echo local $PACKER_BUILD_NAME run $PACKER_RUN_UUID"] } }], {
          postProcessors: [
            [{ type: "manifest", config: { output: manifest, custom_data: { team: "platform" } } }],
            [{ type: "shell-local", config: { command: "echo post $PACKER_BUILDER_TYPE run $PACKER_RUN_UUID" } }],
          ],
        }),
        { onEvent: rec.onEvent },
      );
    const first = await run();
    await run();
    expect(rec.lines()).toContain(`local target run ${first.runUuid}`);
    expect(rec.lines()).toContain(`post null run ${first.runUuid}`);
    const written = JSON.parse(readFileSync(manifest, "utf8"));
    expect(written.builds).toHaveLength(2);
    expect(written.builds[0]).toMatchObject({
      name: "target",
      builder_type: "null",
      artifact_id: "Null",
      files: null,
      packer_run_uuid: first.runUuid,
      custom_data: { team: "platform" },
    });
    expect(typeof written.builds[0].build_time).toBe("number");
    expect(written.last_run_uuid).toBe(written.builds[1].packer_run_uuid);
  });

  it("shell-local output keeps a UTF-8 character the command wrote in two pieces", async () => {
    const rec = recorder();
    // "é" is C3 A9: the pause between the two writes puts them in separate chunks of the pipe.
    const command = "printf 'h\\303'; sleep 0.3; printf '\\251llo\\n'";
    await build(spec([{ type: "shell-local", config: { inline: [command] } }]), { onEvent: rec.onEvent });
    expect(rec.lines()).toContain("héllo");
  });

  it("a failing provisioner names build, step and where it was declared; later ones do not run", async () => {
    const marker = join(work, "never");
    const error = await build(
      spec([
        {
          type: "shell",
          config: { inline: ["echo about to fail >&2", "exit 7"] },
          where: { file: "web.pkr.hcl", line: 12, column: 3 },
        },
        { type: "shell", config: { inline: [`touch ${marker}`] } },
      ]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildFailedError);
    const message = (error as Error).message;
    expect(message).toContain("build 'null.target'");
    expect(message).toContain("provisioner shell (1/2)");
    expect(message).toContain("web.pkr.hcl:12:3");
    expect(message).toContain("exited with status 7");
    expect(message).toContain("about to fail");
    expect(existsSync(marker)).toBe(false);
  });

  it("max_retries retries a failing provisioner and timeout cancels a slow one", async () => {
    const counter = join(work, "count");
    await build(
      spec([
        {
          type: "shell",
          config: { inline: [`echo x >> ${counter}`, `test $(wc -l < ${counter}) -ge 3`] },
          max_retries: 2,
        },
      ]),
    );
    expect(readFileSync(counter, "utf8").split("\n").filter(Boolean)).toHaveLength(3);

    const marker = `kiln-timeout-${Date.now()}`;
    const error = await build(
      spec([{ type: "shell", config: { inline: [`sleep 300 # ${marker}`] }, timeout: "1s" }]),
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/timed out after 1s/);
    await expectNoProcess(marker);
  });

  it("cancellation in the middle of a long remote command stops it and reports cancelled", async () => {
    const marker = `kiln-cancel-${Date.now()}`;
    const controller = new AbortController();
    const rec = recorder();
    const running = build(spec([{ type: "shell", config: { inline: ["echo started", `sleep 600 # ${marker}`] } }]), {
      signal: controller.signal,
      onEvent: (e) => {
        rec.onEvent(e);
        if (e.type === "output" && e.line === "started")
          setTimeout(() => controller.abort(new CancelledError("Ctrl-C")), 200);
      },
    });
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildFailedError);
    expect((error as BuildFailedError).code).toBe("CANCELLED");
    await expectNoProcess(marker);
    expect(rec.events.some((e) => e.type === "cleanup-started" && e.step === "connect")).toBe(true);
  });

  it("expect_disconnect survives a reboot and the next provisioner reconnects", async () => {
    const after = join(work, "after-reboot");
    const rec = recorder();
    await build(
      spec([
        { type: "shell", config: { inline: ["echo rebooting", "sleep 30"], expect_disconnect: true } },
        { type: "shell", config: { inline: [`touch ${after}`] }, pause_before: "1s" },
      ]),
      {
        onEvent: (e) => {
          rec.onEvent(e);
          if (e.type === "output" && e.line === "rebooting") void sshd.restart();
        },
      },
    );
    expect(existsSync(after)).toBe(true);
  });

  it("only/except pick provisioners per source, and parallel builds keep output apart", async () => {
    const base = spec([]);
    const [source] = base.sources;
    const rec = recorder();
    await build(
      {
        ...base,
        sources: [source!, { ...source!, name: "second" }],
        provisioners: [
          { type: "shell", config: { inline: ["echo for-all"] } },
          { type: "shell", config: { inline: ["echo only-second"] }, only: ["null.second"] },
          { type: "shell", config: { inline: ["echo not-second"] }, except: ["second"] },
        ],
      },
      { onEvent: rec.onEvent, parallelBuilds: 2 },
    );
    const linesOf = (build: string) =>
      rec.events.flatMap((e) => (e.type === "output" && e.build === build ? [e.line] : []));
    expect(linesOf("null.target")).toEqual(["for-all", "not-second"]);
    expect(linesOf("null.second")).toEqual(["for-all", "only-second"]);
  });

  it("error-cleanup-provisioner runs on the machine after a failure", async () => {
    const marker = join(work, "error-cleanup-ran");
    await expect(
      build(
        spec([{ type: "shell", config: { inline: ["exit 1"] } }], {
          errorCleanupProvisioner: { type: "shell", config: { inline: [`touch ${marker}`] } },
        }),
      ),
    ).rejects.toThrow(BuildFailedError);
    expect(existsSync(marker)).toBe(true);
  });

  it("sensitive values never reach events", async () => {
    const rec = recorder();
    await build(
      spec([{ type: "shell", config: { inline: ["echo token=s3cr3t-value"] } }], { sensitiveValues: ["s3cr3t-value"] }),
      {
        onEvent: rec.onEvent,
      },
    );
    const all = JSON.stringify(rec.events);
    expect(all).not.toContain("s3cr3t-value");
    expect(rec.lines()).toContain("token=<sensitive>");

    // Nor the error a failed build rejects with: a failing command's text carries its environment.
    const failed = await build(
      spec([{ type: "shell-local", config: { inline: ["exit 3"], environment_vars: ["TOKEN=s3cr3t-value"] } }], {
        sensitiveValues: ["s3cr3t-value"],
      }),
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BuildFailedError);
    expect((failed as Error).message).toContain("TOKEN='<sensitive>'");
    const causes = JSON.stringify((failed as BuildFailedError).builds.map((b) => [b.error?.message, b.error?.cause]));
    expect(causes).not.toContain("s3cr3t-value");
  });

  it("bad specs fail before connecting, naming block, field and line", async () => {
    const error = await build(
      spec([
        {
          type: "shell",
          config: { inline: ["true"], scirpt: "x.sh" },
          fieldLocations: { scirpt: { file: "a.pkr.hcl", line: 9, column: 5 } },
        },
        { type: "shell", config: { script: "missing.sh" }, where: { file: "a.pkr.hcl", line: 14 } },
        { type: "nope", config: {} },
      ]),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toContain('a.pkr.hcl:9:5: provisioner[0] "shell".scirpt: is not a known field');
    expect(text).toMatch(/a\.pkr\.hcl:14: provisioner\[1\] "shell": file not found: .*missing\.sh/);
    expect(text).toContain('unknown provisioner type "nope"');
  });
});

describe("source selection", () => {
  it("-only that matches nothing fails before anything runs and lists the sources there are", async () => {
    const error = await build(spec([]), { only: ["amazon-ebs.*"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("no source left to build after -only/-except; sources are null.target");
  });
});

async function expectNoProcess(marker: string) {
  // The remote kill is asynchronous to the local rejection: give it a moment, then insist.
  for (let i = 0; i < 20 && processesMatching(marker).length; i++) await new Promise((r) => setTimeout(r, 100));
  expect(processesMatching(marker)).toEqual([]);
}

afterAll(() => rmSync(work, { recursive: true, force: true }));
