import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CommunicatorConfig, communicatorSchema } from "../provider/communicator/config";
import {
  connectSsh,
  SshAuthError,
  type SshCommunicator,
  SshError,
  SshTimeoutError,
} from "../provider/communicator/ssh";
import { LineSplitter } from "../provider/communicator/ssh-exec";
import { CancelledError, ConfigError, TimeoutError } from "../provider/engine/errors";
import { processesMatching, type SshdHandle, startSshd } from "./fixtures/sshd";

let sshd: SshdHandle;
let work: string;
const open: SshCommunicator[] = [];
const never = new AbortController().signal;

beforeAll(async () => {
  sshd = await startSshd();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-ssh-test-"));
  fs.chmodSync(work, 0o755);
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await sshd?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function config(fields: Record<string, unknown>): CommunicatorConfig {
  return communicatorSchema.parse(fields);
}

/** Key auth as root against `server`, key file given relative to its directory (the template dir). */
async function connectRoot(
  server: SshdHandle = sshd,
  extra: Record<string, unknown> = {},
  log?: (text: string) => void,
): Promise<SshCommunicator> {
  const communicator = await connectSsh(
    config({ ssh_username: server.username, ssh_private_key_file: "id_ed25519", ssh_timeout: "20s", ...extra }),
    { host: server.host, port: server.port },
    { signal: never, baseDir: server.dir, log },
  );
  open.push(communicator);
  return communicator;
}

async function run(communicator: SshCommunicator, command: string, signal = never) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const result = await communicator.exec(command, {
    signal,
    onStdout: (line) => stdout.push(line),
    onStderr: (line) => stderr.push(line),
  });
  return { ...result, stdout, stderr };
}

/**
 * A sleep whose command line is unique to this test. `running` matches the sleep process itself (not
 * the shell whose script mentions it); `marker` matches either, to check that nothing is left.
 */
function uniqueSleep(): { command: string; marker: string; running: RegExp } {
  const seconds = `30${randomBytes(3).readUIntBE(0, 3)}.5`;
  return { command: `sleep ${seconds}`, marker: `sleep ${seconds}`, running: new RegExp(`^sleep ${seconds}$`) };
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

function acceptedLogins(server: SshdHandle): number {
  return server.log().match(/Accepted (publickey|password) for /g)?.length ?? 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Established TCP connections from this process to `server`. */
function ourSockets(server: SshdHandle): number {
  return connectionsTo(server).filter((line) => line.includes(`pid=${process.pid},`)).length;
}

function connectionsTo(server: SshdHandle): string[] {
  const out = execFileSync("ss", ["-Htnp", "state", "established", `( dport = :${server.port} )`], {
    encoding: "utf8",
  });
  return out.split("\n").filter(Boolean);
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o7777;
}

describe("connecting", () => {
  it("logs in with a private key file resolved against baseDir", async () => {
    const ssh = await connectRoot();
    const result = await run(ssh, "id -un");
    expect(result).toMatchObject({ exitCode: 0, disconnected: false, stdout: [sshd.username] });
  });

  it("logs in with the builder's temporary key", async () => {
    const ssh = await connectSsh(
      config({ ssh_username: sshd.username }),
      { host: sshd.host, port: sshd.port, privateKey: sshd.privateKey },
      { signal: never, baseDir: "/nonexistent" },
    );
    open.push(ssh);
    expect((await run(ssh, "id -un")).stdout).toEqual([sshd.username]);
  });

  it("logs in with a password and never logs it", async () => {
    const logged: string[] = [];
    const ssh = await connectSsh(
      config({ ssh_username: sshd.passwordUser, ssh_password: sshd.password, ssh_host: sshd.host }),
      { host: "192.0.2.1", port: sshd.port }, // ssh_host overrides the builder's address
      { signal: never, baseDir: work, log: (text) => logged.push(text) },
    );
    open.push(ssh);
    expect((await run(ssh, "id -un")).stdout).toEqual([sshd.passwordUser]);
    expect(logged.join("\n")).toContain(`${sshd.passwordUser}@127.0.0.1:${sshd.port}`);
    expect(logged.join("\n")).not.toContain(sshd.password);
  });

  it("gives up on a wrong key after ssh_handshake_attempts, naming user, host and methods", async () => {
    const wrongKey = path.join(work, "wrong_key");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrongKey]);
    const before = sshd.log().match(/Failed publickey|Connection closed by authenticating user/g)?.length ?? 0;
    const error = await connectSsh(
      config({ ssh_username: sshd.username, ssh_private_key_file: wrongKey, ssh_handshake_attempts: 3 }),
      { host: sshd.host, port: sshd.port },
      { signal: never, baseDir: work },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthError);
    expect((error as SshAuthError).message).toBe(
      `ssh ${sshd.username}@127.0.0.1:${sshd.port}: authentication failed after 3 attempts (publickey)`,
    );
    expect((error as SshAuthError).code).toBe("SSH_AUTH_FAILED");
    expect((error as SshAuthError).cause).toBeInstanceOf(Error);
    // Three real connections were refused by the server, no more.
    await until("sshd to log the refusals", () => {
      const now = sshd.log().match(/Connection closed by authenticating user/g)?.length ?? 0;
      return now - before >= 3;
    });
  });

  it("reports a wrong password as an authentication failure without revealing it", async () => {
    const wrong = `not-${sshd.password}`;
    const logged: string[] = [];
    const error = await connectSsh(
      config({ ssh_username: sshd.passwordUser, ssh_password: wrong, ssh_handshake_attempts: 2 }),
      { host: sshd.host, port: sshd.port },
      { signal: never, baseDir: work, log: (text) => logged.push(text) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthError);
    expect((error as Error).message).toMatch(
      /kilntest@127\.0\.0\.1:\d+: authentication failed after 2 attempts \(password/,
    );
    expect(`${(error as Error).message}\n${logged.join("\n")}`).not.toContain(wrong);
  });

  it("times out after ssh_timeout on a closed port, with the last error", async () => {
    const port = await freePort();
    const error = await connectSsh(
      config({ ssh_username: "root", ssh_password: "x", ssh_timeout: "1500ms", ssh_handshake_attempts: 1 }),
      { host: "127.0.0.1", port },
      { signal: never, baseDir: work },
    ).catch((e: unknown) => e);
    // Refused connections never count as handshake attempts, even with ssh_handshake_attempts = 1.
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      `ssh root@127.0.0.1:${port}: could not connect within 1.5s; last error: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it("stops the connect loop when cancelled", async () => {
    const port = await freePort();
    const controller = new AbortController();
    const pending = connectSsh(
      config({ ssh_username: "root", ssh_password: "x" }),
      { host: "127.0.0.1", port },
      { signal: controller.signal, baseDir: work },
    );
    setTimeout(() => controller.abort(), 300);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });

  it("honours pause_before_connecting, and cancelling it", async () => {
    const controller = new AbortController();
    const logged: string[] = [];
    const pending = connectSsh(
      config({ ssh_username: sshd.username, ssh_private_key_file: "id_ed25519", pause_before_connecting: "10m" }),
      { host: sshd.host, port: sshd.port },
      { signal: controller.signal, baseDir: sshd.dir, log: (text) => logged.push(text) },
    );
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(logged).toEqual([`Pausing 10m0s before connecting to ${sshd.username}@127.0.0.1:${sshd.port}`]);
  });

  it("rejects configurations it cannot use before connecting", async () => {
    const noUser = connectSsh(config({ ssh_password: "x" }), { host: "127.0.0.1" }, { signal: never, baseDir: work });
    await expect(noUser).rejects.toThrow(ConfigError);
    await expect(noUser).rejects.toThrow(/ssh_username: is required/);

    const noCredentials = connectSsh(
      config({ ssh_username: "root" }),
      { host: "127.0.0.1" },
      { signal: never, baseDir: work },
    );
    await expect(noCredentials).rejects.toThrow(/ssh_password: or ssh_private_key_file is required/);

    fs.writeFileSync(path.join(work, "not-a-key"), "hello\n");
    const badKey = connectSsh(
      config({ ssh_username: "root", ssh_private_key_file: "not-a-key" }),
      { host: "127.0.0.1" },
      { signal: never, baseDir: work },
    );
    await expect(badKey).rejects.toThrow(/ssh_private_key_file: .*not-a-key is not a usable private key/);

    const missing = connectSsh(
      config({ ssh_username: "root", ssh_private_key_file: "missing" }),
      { host: "127.0.0.1" },
      { signal: never, baseDir: work },
    );
    await expect(missing).rejects.toThrow(/cannot read .*missing/);
  });

  it("accepts keep-alive settings, including 0 = off", async () => {
    const off = await connectRoot(sshd, { ssh_keep_alive_interval: "0s" });
    const fast = await connectRoot(sshd, { ssh_keep_alive_interval: "200ms" });
    await new Promise((resolve) => setTimeout(resolve, 700)); // a few keep-alives go by
    expect((await run(off, "echo ok")).stdout).toEqual(["ok"]);
    expect((await run(fast, "echo ok")).stdout).toEqual(["ok"]);
  });
});

describe("exec", () => {
  let ssh: SshCommunicator;
  beforeAll(async () => {
    ssh = await connectRoot();
  });

  it("returns exit codes and signals", async () => {
    expect(await run(ssh, "true")).toMatchObject({ exitCode: 0, disconnected: false });
    expect(await run(ssh, "exit 3")).toMatchObject({ exitCode: 3, disconnected: false });
    expect(await run(ssh, "kill -KILL $$")).toMatchObject({
      exitCode: null,
      exitSignal: "SIGKILL",
      disconnected: false,
    });
    expect(await run(ssh, "no-such-command-kiln")).toMatchObject({ exitCode: 127 });
  });

  it("streams stdout and stderr line by line, in order, without the PID line", async () => {
    const result = await run(
      ssh,
      "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done; printf 'héllo wörld\\n'; printf 'no newline'",
    );
    expect(result.stdout).toEqual(["out1", "out2", "out3", "out4", "out5", "héllo wörld", "no newline"]);
    expect(result.stderr).toEqual(["err1", "err2", "err3", "err4", "err5"]);
  });

  it("delivers each line while the command is still running", async () => {
    // The command only finishes after the test saw its first line: it would hang if output were buffered.
    const flag = path.join(work, `seen-${randomBytes(4).toString("hex")}`);
    const result = await ssh.exec(`echo first; while [ ! -e ${flag} ]; do sleep 0.05; done; echo second`, {
      signal: never,
      onStdout: (line) => {
        if (line === "first") fs.writeFileSync(flag, "");
      },
    });
    expect(result.exitCode).toBe(0);
  });

  it("gives commands an empty stdin", async () => {
    expect(await run(ssh, "cat; echo done")).toMatchObject({ exitCode: 0, stdout: ["done"] });
  });

  it("stops the remote process when cancelled", async () => {
    const { command, marker, running } = uniqueSleep();
    const controller = new AbortController();
    const pending = ssh.exec(command, { signal: controller.signal });
    await until("the remote sleep to start", () => processesMatching(running).length > 0);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(processesMatching(marker)).toEqual([]);
    // The connection is still good afterwards.
    expect((await run(ssh, "echo still here")).stdout).toEqual(["still here"]);
  });

  it("stops the whole process group, and KILLs what ignores TERM", async () => {
    const { marker, running } = uniqueSleep();
    const other = uniqueSleep();
    const controller = new AbortController();
    // A child in the background and a foreground child that ignores SIGTERM (inherited by sleep).
    const pending = ssh.exec(`${other.command} & sh -c 'trap "" TERM; ${marker}'; wait`, {
      signal: controller.signal,
    });
    await until(
      "both sleeps to start",
      () => processesMatching(running).length > 0 && processesMatching(other.running).length > 0,
    );
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(processesMatching(marker)).toEqual([]);
    expect(processesMatching(other.marker)).toEqual([]);
  });

  it("rejects at once when the signal already fired, running nothing", async () => {
    const flag = path.join(work, "must-not-exist");
    const controller = new AbortController();
    controller.abort();
    await expect(ssh.exec(`touch ${flag}`, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(flag)).toBe(false);
  });

  it("allocates a pseudo-terminal with ssh_pty", async () => {
    const withPty = await connectRoot(sshd, { ssh_pty: true });
    const result = await run(withPty, "tty; echo to-stderr >&2");
    expect(result.exitCode).toBe(0);
    expect(result.stdout[0]).toMatch(/^\/dev\/pts\/\d+$/);
    expect(result.stdout).toContain("to-stderr"); // a terminal has one output stream
    expect(result.stdout.join("\n")).not.toContain("KILN_EXEC_PID");
    expect((await run(ssh, "tty")).exitCode).not.toBe(0);

    const { command, marker, running } = uniqueSleep();
    const controller = new AbortController();
    const pending = withPty.exec(command, { signal: controller.signal });
    await until("the remote sleep to start", () => processesMatching(running).length > 0);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(processesMatching(marker)).toEqual([]);
  });

  it("reuses one connection for every command and transfer", async () => {
    const fresh = await connectRoot();
    const before = acceptedLogins(sshd);
    const socketsBefore = ourSockets(sshd);
    expect(socketsBefore).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 10; i++) expect((await run(fresh, `echo ${i}`)).stdout).toEqual([String(i)]);
    await fresh.upload(Buffer.from("x"), path.join(work, "reuse.txt"), { signal: never });
    await fresh.download(path.join(work, "reuse.txt"), path.join(work, "reuse-back.txt"), { signal: never });
    expect(acceptedLogins(sshd)).toBe(before);
    expect(ourSockets(sshd)).toBe(socketsBefore);
  });
});

describe("transfers", () => {
  let ssh: SshCommunicator;
  beforeAll(async () => {
    ssh = await connectRoot();
  });

  it("uploads a file keeping its mode, or with the given mode", async () => {
    const local = path.join(work, "script.sh");
    fs.writeFileSync(local, "#!/bin/sh\necho hi\n");
    fs.chmodSync(local, 0o751);
    const remote = path.join(work, "remote-script.sh");
    await ssh.upload(local, remote, { signal: never });
    expect(fs.readFileSync(remote, "utf8")).toBe("#!/bin/sh\necho hi\n");
    expect(mode(remote)).toBe(0o751);

    await ssh.upload(local, remote, { signal: never, mode: 0o600 }); // over an existing file
    expect(mode(remote)).toBe(0o600);
  });

  it("uploads buffers (0644 by default) and empty files", async () => {
    const remote = path.join(work, "from-buffer.bin");
    const data = randomBytes(700_000); // several write requests
    await ssh.upload(data, remote, { signal: never });
    expect(fs.readFileSync(remote).equals(data)).toBe(true);
    expect(mode(remote)).toBe(0o644);

    await ssh.upload(Buffer.alloc(0), remote, { signal: never, mode: 0o700 });
    expect(fs.statSync(remote).size).toBe(0);
    expect(mode(remote)).toBe(0o700);

    const empty = path.join(work, "empty");
    fs.writeFileSync(empty, "");
    fs.chmodSync(empty, 0o640);
    await ssh.upload(empty, path.join(work, "empty-remote"), { signal: never });
    expect(mode(path.join(work, "empty-remote"))).toBe(0o640);
  });

  it("downloads a file with its mode, creating local directories", async () => {
    const remote = path.join(work, "to-download.bin");
    const data = randomBytes(300_000);
    fs.writeFileSync(remote, data);
    fs.chmodSync(remote, 0o604);
    const local = path.join(work, "downloads", "deep", "copy.bin");
    await ssh.download(remote, local, { signal: never });
    expect(fs.readFileSync(local).equals(data)).toBe(true);
    expect(mode(local)).toBe(0o604);
  });

  it("copies directory trees both ways with contents and modes", async () => {
    const source = path.join(work, "tree");
    fs.mkdirSync(path.join(source, "a", "b", "c"), { recursive: true });
    fs.mkdirSync(path.join(source, "empty-dir"));
    fs.chmodSync(path.join(source, "a", "b"), 0o750);
    const files: Record<string, [Buffer, number]> = {
      "top.txt": [Buffer.from("top\n"), 0o644],
      "a/run.sh": [Buffer.from("#!/bin/sh\n"), 0o755],
      "a/b/secret": [Buffer.from("s3cr3t"), 0o600],
      "a/b/c/blob.bin": [randomBytes(1_000_000), 0o640],
      "a/b/c/empty": [Buffer.alloc(0), 0o444],
    };
    for (const [name, [content, fileMode]] of Object.entries(files)) {
      fs.writeFileSync(path.join(source, name), content);
      fs.chmodSync(path.join(source, name), fileMode);
    }
    fs.symlinkSync("top.txt", path.join(source, "link-to-top"));

    const remote = path.join(work, "remote-tree", "nested"); // created, parents too
    await ssh.uploadDir(source, remote, { signal: never });
    const back = path.join(work, "tree-back");
    await ssh.downloadDir(remote, back, { signal: never });

    for (const root of [remote, back]) {
      for (const [name, [content, fileMode]] of Object.entries(files)) {
        expect(fs.readFileSync(path.join(root, name)).equals(content), `${root}/${name}`).toBe(true);
        expect(mode(path.join(root, name)), `${root}/${name}`).toBe(fileMode);
      }
      expect(fs.readFileSync(path.join(root, "link-to-top"), "utf8")).toBe("top\n");
      expect(fs.statSync(path.join(root, "empty-dir")).isDirectory()).toBe(true);
      expect(mode(path.join(root, "a", "b"))).toBe(0o750);
    }
  });

  it("names the endpoint and the path when a transfer fails", async () => {
    const error = await ssh
      .upload(Buffer.from("x"), path.join(work, "no-such-dir", "file"), { signal: never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as Error).message).toMatch(
      new RegExp(`^ssh root@127\\.0\\.0\\.1:${sshd.port}: upload 1 bytes to .*no-such-dir/file: No such file`),
    );
    await expect(
      ssh.download(path.join(work, "nothing-here"), path.join(work, "x"), { signal: never }),
    ).rejects.toThrow(/download .*nothing-here .*No such file/);
  });

  it("stops an upload mid-file when cancelled", async () => {
    const big = path.join(work, "big.bin");
    const size = 96 * 1024 * 1024;
    fs.writeFileSync(big, Buffer.alloc(size, 1));
    const remote = path.join(work, "big-remote.bin");
    const controller = new AbortController();
    const pending = ssh.upload(big, remote, { signal: controller.signal });
    await until("the upload to begin", () => fs.existsSync(remote) && fs.statSync(remote).size > 0, 20_000);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    // Requests already in flight may still land; then the file must stop growing, well short of the end.
    let last = -1;
    await until(
      "the remote file to stop growing",
      () => {
        const now = fs.statSync(remote).size;
        const stable = now === last;
        last = now;
        return stable;
      },
      10_000,
      250,
    );
    expect(last).toBeLessThan(size / 2);
    // The connection survives a cancelled transfer.
    expect((await run(ssh, "echo ok")).stdout).toEqual(["ok"]);
    fs.rmSync(big);
    fs.rmSync(remote);
  });
});

describe("reboots and dropped connections", () => {
  let server: SshdHandle;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("returns disconnected when the server goes away mid-command, and the next call reconnects", async () => {
    const logged: string[] = [];
    const ssh = await connectRoot(server, {}, (text) => logged.push(text));
    const { command, marker, running } = uniqueSleep();
    const pending = ssh.exec(command, { signal: never });
    await until("the remote sleep to start", () => processesMatching(running).length > 0);
    const loginsBefore = acceptedLogins(server);
    await server.restart();
    expect(processesMatching(marker)).toEqual([]); // a reboot ends everything
    expect(await pending).toEqual({ exitCode: null, exitSignal: undefined, disconnected: true });
    expect((await run(ssh, "echo back")).stdout).toEqual(["back"]);
    expect(acceptedLogins(server)).toBe(loginsBefore + 1); // exactly one new login
    expect(logged).toContain(`Connection to root@127.0.0.1:${server.port} lost; reconnecting`);
  });

  it("reconnect() waits for the machine to come back", async () => {
    const ssh = await connectRoot(server);
    await server.down();
    const back = setTimeout(() => server.up(), 1_000);
    try {
      await ssh.reconnect(never, 15_000);
    } finally {
      clearTimeout(back);
    }
    expect((await run(ssh, "echo up")).stdout).toEqual(["up"]);
  });

  it("reconnect() gives up after its time limit", async () => {
    const ssh = await connectRoot(server);
    await server.down();
    try {
      const error = await ssh.reconnect(never, 1_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshTimeoutError);
      expect((error as Error).message).toMatch(/could not connect within 1s; last error: .*ECONNREFUSED/);
    } finally {
      await server.up();
    }
  });

  it("notices a silent peer through keep-alives", async () => {
    const ssh = await connectRoot(server, { ssh_keep_alive_interval: "300ms" });
    const { command, marker, running } = uniqueSleep();
    const pending = ssh.exec(command, { signal: never });
    await until("the remote sleep to start", () => processesMatching(running).length > 0);
    const thaw = server.freeze();
    try {
      // Without keep-alives this would wait for the sleep (hours) or TCP's own timeout.
      expect(await pending).toMatchObject({ exitCode: null, disconnected: true });
    } finally {
      thaw();
      await server.restart();
    }
    expect(processesMatching(marker)).toEqual([]);
  });
});

describe("bastion", () => {
  it("reaches the target through ssh_bastion_*, the bastion holding the target connection", async () => {
    const bastion = await startSshd();
    try {
      const ssh = await connectSsh(
        config({
          ssh_username: sshd.passwordUser,
          ssh_password: sshd.password,
          ssh_bastion_host: bastion.host,
          ssh_bastion_port: bastion.port,
          ssh_bastion_username: bastion.username,
          ssh_bastion_private_key_file: bastion.privateKeyPath,
        }),
        { host: sshd.host, port: sshd.port },
        { signal: never, baseDir: work },
      );
      open.push(ssh);
      expect((await run(ssh, "id -un")).stdout).toEqual([sshd.passwordUser]);
      // The target's client is the bastion's sshd, not us.
      expect(connectionsTo(sshd).some((line) => /users:\(\("sshd"/.test(line))).toBe(true);
      await ssh.close();
    } finally {
      await bastion.stop();
    }
  });

  it("fails with the bastion's refusal when it may not forward", async () => {
    const bastion = await startSshd({ config: ["AllowTcpForwarding no"] });
    try {
      const error = await connectSsh(
        config({
          ssh_username: sshd.username,
          ssh_private_key_file: sshd.privateKeyPath,
          ssh_timeout: "1500ms",
          ssh_bastion_host: bastion.host,
          ssh_bastion_port: bastion.port,
          ssh_bastion_private_key_file: bastion.privateKeyPath,
        }),
        { host: sshd.host, port: sshd.port },
        { signal: never, baseDir: work },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SshTimeoutError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `last error: ssh root@127\\.0\\.0\\.1:${bastion.port}: bastion cannot reach 127\\.0\\.0\\.1:${sshd.port}`,
        ),
      );
    } finally {
      await bastion.stop();
    }
  });
});

describe("close", () => {
  it("refuses calls after close", async () => {
    const ssh = await connectRoot();
    await ssh.close();
    await ssh.close(); // idempotent
    await expect(ssh.exec("true", { signal: never })).rejects.toThrow(/communicator is closed/);
    await expect(ssh.upload(Buffer.from("x"), path.join(work, "after-close"), { signal: never })).rejects.toThrow(
      /communicator is closed/,
    );
  });

  it("leaves nothing that keeps Node alive", () => {
    // A separate Node process must exit by itself once close() returns, keep-alive timer and all.
    const script = path.join(work, "close-exits.ts");
    fs.writeFileSync(
      script,
      `import { connectSsh } from ${JSON.stringify(path.resolve(__dirname, "../provider/communicator/ssh"))};
(async () => {
  const signal = new AbortController().signal;
  const ssh = await connectSsh(
    { ssh_username: ${JSON.stringify(sshd.username)}, ssh_private_key_file: ${JSON.stringify(sshd.privateKeyPath)}, ssh_keep_alive_interval: 1000 },
    { host: "127.0.0.1", port: ${sshd.port} },
    { signal, baseDir: "/" },
  );
  await ssh.exec("true", { signal });
  await ssh.upload(Buffer.from("x"), ${JSON.stringify(path.join(work, "from-child"))}, { signal });
  await ssh.close();
  console.log("closed");
})();
`,
    );
    const tsx = path.resolve(__dirname, "../node_modules/.bin/tsx");
    const output = execFileSync(tsx, [script], { encoding: "utf8", timeout: 30_000 });
    expect(output.trim()).toBe("closed");
  });
});

describe("LineSplitter", () => {
  it("keeps multi-byte characters split across chunks and flushes the last partial line", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line));
    const bytes = Buffer.from("añb\r\nsecond\nthi€rd");
    for (let i = 0; i < bytes.length; i++) splitter.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(["añb", "second"]);
    splitter.end();
    expect(lines).toEqual(["añb", "second", "thi€rd"]);
  });
});
