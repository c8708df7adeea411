import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processesMatching, type SshdHandle, startSshd } from "../fixtures/sshd";
import { type KilnRunOptions, kiln } from "./run-kiln";

// The CLI as users run it: the compiled `kiln` in a child process.

let sshd: SshdHandle;
let dir: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), "kiln-cli-"));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function template(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `source "null" "box" {
  ssh_host             = "${sshd.host}"
  ssh_port             = ${sshd.port}
  ssh_username         = "${sshd.username}"
  ssh_private_key_file = "${sshd.privateKeyPath}"
}
${body}`,
  );
  return path;
}

/** `kiln` run in the test's template directory. */
const kilnHere = (args: string[], onStdout?: KilnRunOptions["onStdout"]) => kiln(args, { cwd: dir, onStdout });

describe("kiln CLI", () => {
  it("validate accepts a good template and builds nothing", async () => {
    const path = template(
      "ok.pkr.hcl",
      `build {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["touch ${dir}/ran"]\n  }\n}\n`,
    );
    const run = await kilnHere(["validate", path]);
    expect(run.stdout).toContain("The configuration is valid.");
    expect(run.code).toBe(0);
  });

  it("a bad template exits 2 with file, line, column and field", async () => {
    const path = template(
      "bad.pkr.hcl",
      `build {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["true"]\n    timout = "5m"\n  }\n}\n`,
    );
    const run = await kilnHere(["build", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path}:11:5`);
    expect(run.stderr).toContain("timout");
  });

  it("build streams prefixed output, prints the artifacts and exits 0", async () => {
    const path = template(
      "hello.pkr.hcl",
      `build {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["echo hello from $PACKER_BUILD_NAME"]\n  }\n}\n`,
    );
    const run = await kilnHere(["build", path]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("    null.box: hello from box");
    expect(run.stdout).toContain("--> null.box: Did not export anything. This is the null builder");
    expect(run.code).toBe(0);
  });

  it("--json prints one event per line", async () => {
    const path = template(
      "json.pkr.hcl",
      `build {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["echo json"]\n  }\n}\n`,
    );
    const run = await kilnHere(["build", "--json", path]);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(events.find((e) => e.type === "output")).toMatchObject({
      build: "null.box",
      line: "json",
      stream: "stdout",
    });
    expect(events.at(-1)).toMatchObject({ type: "build-finished", ok: true });
    expect(run.code).toBe(0);
  });

  it("a failing build exits 1 naming the provisioner's file and line", async () => {
    const path = template(
      "fail.pkr.hcl",
      `build {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["exit 4"]\n  }\n}\n`,
    );
    const run = await kilnHere(["build", path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`(${path}:9:3)`);
    expect(run.stderr).toContain("exited with status 4");
  });

  it("Ctrl-C stops the remote command, cleans up and exits 130", async () => {
    const marker = `kiln-cli-sigint-${Date.now()}`;
    const path = template(
      "long.pkr.hcl",
      `build {\n  sources = ["source.null.box"]\n  provisioner "shell" {\n    inline = ["echo started", "sleep 600 # ${marker}"]\n  }\n}\n`,
    );
    let sent = false;
    const run = await kilnHere(["build", path], (stdout, child) => {
      if (!sent && stdout.includes("null.box: started")) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    expect(run.code).toBe(130);
    expect(run.stderr).toContain("cancelling");
    expect(run.stdout).toContain("cleaning up: connect");
    expect(processesMatching(marker)).toEqual([]);
  });

  it("--var and --only select what runs", async () => {
    const path = template(
      "vars.pkr.hcl",
      `variable "who" {\n  type = string\n}\nsource "null" "other" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.box", "source.null.other"]\n  provisioner "shell" {\n    only   = ["null.box"]\n    inline = ["echo hi \${var.who}"]\n  }\n}\n`,
    );
    const run = await kilnHere(["build", "--var", "who=kiln", "--only", "null.box", path]);
    expect(run.stdout).toContain("null.box: hi kiln");
    expect(run.stdout).not.toContain("null.other");
    expect(run.code).toBe(0);
    // Packer's single-dash spelling of the same command line.
    const packerStyle = await kilnHere(["build", "-var", "who=packer", "-only=null.box", path]);
    expect(packerStyle.stdout).toContain("null.box: hi packer");
    expect(packerStyle.stdout).not.toContain("null.other");
    expect(packerStyle.code).toBe(0);
  });

  it("--only and --except take globs (`?`, `*`, `[...]`), as Packer does", async () => {
    const path = template(
      "globs.pkr.hcl",
      `source "null" "web" {\n  communicator = "none"\n}\nsource "null" "worker" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.web", "source.null.worker"]\n  provisioner "shell-local" {\n    inline = ["echo built \${source.name}"]\n  }\n}\n`,
    );
    const built = (run: { stdout: string }) =>
      run.stdout
        .split("\n")
        .flatMap((line) => /: built (\w+)$/.exec(line)?.[1] ?? [])
        .sort();
    const only = await kilnHere(["build", "--only", "null.w?b", path]);
    expect(only.stderr).toBe("");
    expect(built(only)).toEqual(["web"]);
    const except = await kilnHere(["build", "-except=null.w?b", path]);
    expect(built(except)).toEqual(["worker"]);
    const bracket = await kilnHere(["build", "--only", "null.[w]or*", path]);
    expect(built(bracket)).toEqual(["worker"]);
  });

  it("a reader that goes away (`kiln build | head`) does not stop the build halfway", async () => {
    const marker = join(dir, "finished");
    const path = template(
      "closed-pipe.pkr.hcl",
      `source "null" "quiet" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.quiet"]\n  provisioner "shell-local" {\n    inline = ["seq 1 20000"]\n  }\n  provisioner "shell-local" {\n    inline = ["touch ${marker}"]\n  }\n}\n`,
    );
    let closed = false;
    const run = await kilnHere(["build", path], (_stdout, child) => {
      if (closed) return;
      closed = true;
      child.stdout?.destroy();
    });
    expect(run.stderr).not.toMatch(/EPIPE/);
    expect(run.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("--ssh-session per-command opens an SSH session for each command; the default runs them in one", {
    timeout: 180_000,
  }, async () => {
    // As the fixture's second user, whose login shell reads no heavy startup files (root's may, on a
    // developer's machine): the agent must start well within its time limit here.
    const path = join(dir, "sessions.pkr.hcl");
    writeFileSync(
      path,
      `source "null" "box" {
  ssh_host     = "${sshd.host}"
  ssh_port     = ${sshd.port}
  ssh_username = "${sshd.passwordUser}"
  ssh_password = "${sshd.password}"
}
build {
  sources = ["source.null.box"]
  provisioner "shell" {
    inline = ["echo one"]
  }
  provisioner "shell" {
    inline = ["echo two"]
  }
}
`,
    );
    /** SSH command sessions sshd started while `work` ran. */
    const sessionsDuring = async (work: () => Promise<{ code: number | null; stderr: string }>) => {
      const before = sshd.log().length;
      const run = await work();
      expect(run.code, run.stderr).toBe(0);
      return sshd
        .log()
        .slice(before)
        .split("\n")
        .filter((line) => line.startsWith("Starting session: command ")).length;
    };
    expect(await sessionsDuring(() => kilnHere(["build", path]))).toBe(1);
    const perCommand = await sessionsDuring(() => kilnHere(["build", "--ssh-session", "per-command", path]));
    expect(perCommand).toBeGreaterThanOrEqual(2); // at least one per shell provisioner
    const bad = await kilnHere(["build", "--ssh-session", "sometimes", path]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--ssh-session.*(agent|choices)/s);
    // The environment variable earlier versions read still works, with a warning.
    const fromEnv = await kiln(["build", path], { cwd: dir, env: { KILN_SSH_SESSION: "per-command" } });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stderr).toContain("KILN_SSH_SESSION is deprecated: use --ssh-session per-command");
  });
});
