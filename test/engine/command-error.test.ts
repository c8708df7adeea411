import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildFailedError } from "../../provider/engine/build";
import { CommandError } from "../../provider/engine/errors";
import { build } from "../../provider/kiln";
import type { BuildSpec, ProvisionerSpec } from "../../provider/spec/types";
import { runLocal } from "../../provider/util/local-exec";
import { type SshdHandle, sshLogin, startSshd } from "../fixtures/sshd";

// A failed command, local or remote, is one CommandError carrying the whole story (execa's model):
// command, where it ran, how it ended, how long it took and the tail of both output streams.

const SECRET = "s3cr3t-value";

function commandErrorIn(error: unknown): CommandError {
  for (let e: unknown = error; e instanceof Error; e = e.cause) if (e instanceof CommandError) return e;
  throw new Error(`no CommandError in the cause chain of ${String(error)}`);
}

async function localFailure(argv: string[], cwd?: string): Promise<CommandError> {
  const error = await runLocal(argv, { signal: new AbortController().signal, cwd }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe("local commands", () => {
  it("exit status, cwd, duration and both output tails are on the error", async () => {
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), "kiln-cmd-")));
    const error = await localFailure(["sh", "-c", 'echo "out in $(pwd)"; echo bad news >&2; exit 3'], cwd);
    expect(error.code).toBe("COMMAND_FAILED");
    expect(error.exitCode).toBe(3);
    expect(error.signal).toBeUndefined();
    expect(error.cwd).toBe(cwd);
    expect(error.stdoutTail).toBe(`out in ${cwd}`);
    expect(error.stderrTail).toBe("bad news");
    expect(error.durationMs).toBeGreaterThanOrEqual(0);
    expect(error.message).toMatch(
      new RegExp(
        `^command "sh -c .*" exited with status 3 \\(in ${cwd}, after \\d+ms\\); last error output: bad news$`,
      ),
    );
  });

  it("a command killed by a signal says which, and stdout stands in when stderr is empty", async () => {
    const error = await localFailure(["sh", "-c", "echo last words; kill -TERM $$"]);
    expect(error.exitCode).toBeNull();
    expect(error.signal).toBe("SIGTERM");
    expect(error.message).toContain("was killed by SIGTERM");
    expect(error.message).toContain("last output: last words");
  });

  it("a command that cannot start keeps execa's reason as the cause", async () => {
    const error = await localFailure(["kiln-no-such-command-here"]);
    expect(error.exitCode).toBeNull();
    expect(String((error.cause as Error | undefined)?.message)).toContain("ENOENT");
  });
});

describe("remote commands (real sshd)", () => {
  let sshd: SshdHandle;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  function spec(provisioners: ProvisionerSpec[]): BuildSpec {
    return {
      baseDir: mkdtempSync(join(tmpdir(), "kiln-cmd-remote-")),
      sensitiveValues: [SECRET],
      sources: [
        {
          type: "null",
          name: "target",
          config: sshLogin(sshd),
        },
      ],
      provisioners,
    };
  }

  it("names the host and carries redacted command and output tails", async () => {
    const failed = await build(
      spec([
        {
          type: "shell",
          config: { inline: [`echo token=${SECRET}`, `echo "denied for ${SECRET}" >&2`, "exit 5"] },
        },
      ]),
    ).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(BuildFailedError);
    const error = commandErrorIn(failed);
    expect(error.code).toBe("COMMAND_FAILED");
    expect(error.exitCode).toBe(5);
    expect(error.host).toBe(`${sshd.username}@${sshd.host}:${sshd.port}`);
    expect(error.stdoutTail).toBe("token=<sensitive>");
    expect(error.stderrTail).toBe("denied for <sensitive>");
    expect(error.durationMs).toBeGreaterThanOrEqual(0);
    expect(error.message).toContain(`on ${error.host}`);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(SECRET);
  });

  it("a dropped connection is COMMAND_DISCONNECTED, with what the command said before", async () => {
    let restarted: Promise<unknown> | undefined;
    const failed = await build(spec([{ type: "shell", config: { inline: ["echo rebooting", "sleep 30"] } }]), {
      onEvent: (e) => {
        if (e.type === "output" && e.line === "rebooting") restarted = sshd.restart();
      },
    }).catch((e: unknown) => e);
    await restarted;
    const error = commandErrorIn(failed);
    expect(error.code).toBe("COMMAND_DISCONNECTED");
    expect(error.disconnected).toBe(true);
    expect(error.stdoutTail).toBe("rebooting");
    expect(error.message).toContain("set expect_disconnect = true");
  });
});
