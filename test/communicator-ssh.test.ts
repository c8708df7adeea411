import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { Client } from "ssh2";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { type CommunicatorConfig, communicatorSchema } from "../provider/communicator/config";
import {
  connectSsh,
  SshAuthError,
  type SshCommunicator,
  SshError,
  type SshSessionMode,
  SshTimeoutError,
} from "../provider/communicator/ssh";
import { groupKillScript } from "../provider/communicator/ssh-exec";
import { agentCommand, CommandSession, RecordScanner } from "../provider/communicator/ssh-session";
import { CancelledError, ConfigError, TimeoutError } from "../provider/engine/errors";
import { processesMatching, type SshdHandle, startSshd } from "./fixtures/sshd";
import { tcpNoDelay } from "./fixtures/tcp-options";

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
  session?: SshSessionMode,
): Promise<SshCommunicator> {
  const communicator = await connectSsh(
    config({ ssh_username: server.username, ssh_private_key_file: "id_ed25519", ssh_timeout: "20s", ...extra }),
    { host: server.host, port: server.port },
    { signal: never, baseDir: server.dir, log, session },
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

/** Local ports of this process's connections to `server`. */
function ourPorts(server: SshdHandle): Set<number> {
  return new Set(
    connectionsTo(server)
      .filter((line) => line.includes(`pid=${process.pid},`))
      .map((line) => Number(/^\S+\s+\S+\s+\S+:(\d+)\s/.exec(line)?.[1])),
  );
}

/** The port of the one connection `connect` opened to `server`: how its sessions are found in sshd's log. */
async function newConnectionPort(server: SshdHandle, connect: () => Promise<unknown>): Promise<number> {
  const before = ourPorts(server);
  await connect();
  const fresh = [...ourPorts(server)].filter((port) => !before.has(port));
  expect(fresh).toHaveLength(1);
  return fresh[0] as number;
}

/**
 * Sessions (exec channels, SFTP subsystems) sshd started for the connection from `port`. Closes the
 * communicator first and waits for sshd to log the disconnect, so the log is complete for that connection.
 */
async function sessionsOf(
  server: SshdHandle,
  port: number,
  communicator: SshCommunicator,
): Promise<{ commands: number; sftp: number }> {
  await communicator.close();
  await until("sshd to log the disconnect", () =>
    server.log().includes(`Disconnected from user ${server.username} 127.0.0.1 port ${port}`),
  );
  const lines = server
    .log()
    .split("\n")
    .filter((line) => line.includes(` from 127.0.0.1 port ${port} id `));
  return {
    commands: lines.filter((line) => line.startsWith("Starting session: command ")).length,
    sftp: lines.filter((line) => line.startsWith("Starting session: subsystem 'sftp' ")).length,
  };
}

/** The opt-out: every command in its own SSH session, as Packer runs them. */
function connectPerCommand(server: SshdHandle = sshd, extra: Record<string, unknown> = {}) {
  return connectRoot(server, extra, undefined, "per-command");
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

  it("turns Nagle's algorithm off on the connection, as Packer's Go runtime does", async () => {
    const before = tcpNoDelay(sshd.port).length;
    const ssh = await connectRoot();
    await run(ssh, "true");
    // Our connections to this sshd as the kernel has them: the new one among them, Nagle off on all.
    const now = tcpNoDelay(sshd.port);
    expect(now.length).toBeGreaterThan(before);
    expect(now.every(Boolean)).toBe(true);
  });
});

const execModes = [
  {
    mode: "the command agent",
    connect: () => connectRoot(),
    // The agent's shell reports a killed command as 128 + signal number, as Packer does.
    killed: { exitCode: 137, exitSignal: undefined },
  },
  {
    mode: 'a session per command (session: "per-command")',
    connect: () => connectPerCommand(),
    killed: { exitCode: null, exitSignal: "SIGKILL" },
  },
];

describe.each(execModes)("exec through $mode", ({ connect, killed }) => {
  let ssh: SshCommunicator;
  beforeAll(async () => {
    ssh = await connect();
  });

  it("returns exit codes and signals", async () => {
    expect(await run(ssh, "true")).toMatchObject({ exitCode: 0, disconnected: false });
    expect(await run(ssh, "exit 3")).toMatchObject({ exitCode: 3, disconnected: false });
    expect(await run(ssh, "exit 255")).toMatchObject({ exitCode: 255, disconnected: false });
    expect(await run(ssh, "kill -KILL $$")).toEqual({ ...killed, disconnected: false, stdout: [], stderr: [] });
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
    expect(await run(ssh, 'read line; echo "read=$?"')).toMatchObject({ exitCode: 0, stdout: ["read=1"] });
  });

  it("passes commands through byte for byte: quotes, backslashes, newlines, non-ASCII", async () => {
    const result = await run(ssh, "printf '%s|' 'a\\nb' \"it's\" '\\c' \\$HOME 'x\ny'\necho 'ünï €'");
    expect(result.stdout).toEqual(["a\\nb|it's|\\c|$HOME|x", "y|ünï €"]);
  });

  it("passes a command through byte for byte: spaces, empty lines, %, backslashes, a trailing newline", async () => {
    const data = ` lead  \\ \\\\n %s %% "dq" 'sq' \t\r\n\n\n  \n0123abcd 7\nünï €\\\n`;
    const quoted = (text: string) => `'${text.replace(/'/g, `'"'"'`)}'`;
    // The command itself starts with spaces, has empty lines and ends with a newline; `data` rides in it,
    // once and then 400 times (2800 lines: the agent gathers long commands in parts).
    for (const text of [data, data.repeat(400)]) {
      const command = `  \n\nprintf '%s' ${quoted(text)} | od -An -v -tx1 | tr -d ' \\n'\n\n`;
      const result = await run(ssh, command);
      expect(result).toMatchObject({ exitCode: 0, stderr: [] });
      expect(result.stdout).toEqual([Buffer.from(text).toString("hex")]);
    }
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
    // Settles only once the group is gone (the TERM-ignoring sleep is KILLed 2 s after TERM), however busy
    // the machine: no wait of our own here, and no doubt in the error.
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).not.toMatch(/could not confirm/);
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

  it("reuses one connection for every command and transfer", async () => {
    const fresh = await connect();
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

describe("exec with ssh_pty", () => {
  let ssh: SshCommunicator;
  beforeAll(async () => {
    ssh = await connectRoot();
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
});

describe("the command agent", () => {
  it('runs 40 commands in one SSH session; session "per-command" opens one each', async () => {
    let ssh: SshCommunicator | undefined;
    const port = await newConnectionPort(sshd, async () => {
      ssh = await connectRoot();
    });
    for (let i = 0; i < 40; i++) expect((await run(ssh!, `echo ${i}`)).stdout).toEqual([String(i)]);
    expect(await sessionsOf(sshd, port, ssh!)).toEqual({ commands: 1, sftp: 0 });

    const perCommandPort = await newConnectionPort(sshd, async () => {
      ssh = await connectPerCommand();
    });
    for (let i = 0; i < 40; i++) expect((await run(ssh!, `echo ${i}`)).stdout).toEqual([String(i)]);
    expect(await sessionsOf(sshd, perCommandPort, ssh!)).toEqual({ commands: 40, sftp: 0 });
  });

  it("gives commands the environment, directory, umask and $0 a session of their own gets", async () => {
    const probe = 'env | sort; echo "cwd=$(pwd) umask=$(umask) zero=$0 shlvl=$SHLVL"';
    // Per-connection values: the client port differs between the two connections.
    const comparable = (lines: string[]) => lines.filter((line) => !/^SSH_(CLIENT|CONNECTION)=/.test(line));
    const logins = [
      { username: sshd.username, home: os.homedir(), auth: { ssh_private_key_file: sshd.privateKeyPath } },
      { username: sshd.passwordUser, home: `/home/${sshd.passwordUser}`, auth: { ssh_password: sshd.password } },
    ];
    for (const { username, home, auth } of logins) {
      const fields = { ssh_username: username, ...auth };
      const viaAgent = await run(await connectRoot(sshd, fields), probe);
      const perCommand = await run(await connectPerCommand(sshd, fields), probe);
      expect(viaAgent.stderr).toEqual([]);
      expect(viaAgent.stdout).toContain(`HOME=${home}`);
      expect(viaAgent.stdout).toContain(`USER=${username}`);
      expect(viaAgent.stdout.some((line) => line.startsWith("SSH_CONNECTION=127.0.0.1 "))).toBe(true);
      expect(viaAgent.stdout.some((line) => line.startsWith("KILN_SSHD_FIXTURE="))).toBe(true); // sshd's SetEnv
      expect(viaAgent.stdout.at(-1)).toMatch(new RegExp(`^cwd=${home} umask=\\d+ zero=\\w+ shlvl=`));
      expect(comparable(viaAgent.stdout)).toEqual(comparable(perCommand.stdout));
    }
  });

  it("delivers all of a command's stderr before exec resolves, each stream in order", async () => {
    const ssh = await connectRoot();
    // Ends with a burst on stderr, after the last line on stdout. (The opposite order from the server
    // is played in "CommandSession protocol" below: OpenSSH does not produce it on demand.)
    const result = await run(
      ssh,
      "i=0; while [ $i -lt 2000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done; yes tail | head -n 100000 >&2",
    );
    const numbered = (prefix: string) => Array.from({ length: 2000 }, (_, i) => `${prefix}${i}`);
    expect(result.stdout).toEqual(numbered("out"));
    expect(result.stderr.length).toBe(2000 + 100_000); // counted when exec resolved, before any later event
    expect(result.stderr).toEqual([...numbered("err"), ...Array.from({ length: 100_000 }, () => "tail")]);
  });

  it("keeps a last line without a newline with its own command", async () => {
    const ssh = await connectRoot();
    const first = await run(ssh, "printf 'out-tail'; printf 'err-tail' >&2");
    expect(first).toMatchObject({ exitCode: 0, stdout: ["out-tail"], stderr: ["err-tail"] });
    const second = await run(ssh, "echo next; echo next-err >&2");
    expect(second).toMatchObject({ exitCode: 0, stdout: ["next"], stderr: ["next-err"] });
  });

  it("passes several MB of binary-ish output through intact, look-alike agent records included", async () => {
    const control = Buffer.from(Array.from({ length: 32 }, (_, i) => i).filter((b) => b !== 0x0a && b !== 0x0d));
    const lines = [
      "\x1eKILN0123456789abcdef:x:0", // a record with someone else's nonce
      "\x1eKILN",
      `ctl ${control.toString("latin1")} end`,
      "ünïcödé €",
      ...Array.from({ length: 60_000 }, () => randomBytes(57).toString("base64")),
    ];
    const file = path.join(work, "big-output.txt");
    fs.writeFileSync(file, `${lines.join("\n")}\n\x1eKIL`); // ends in a partial marker, no newline
    const ssh = await connectRoot();
    const result = await run(ssh, `cat ${file}; cat ${file} >&2`);
    const expected = [...lines, "\x1eKIL"];
    expect(fs.statSync(file).size).toBeGreaterThan(4_000_000);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(expected.length);
    expect(result.stdout).toEqual(expected);
    expect(result.stderr).toEqual(expected);
  });

  it("runs a command given while another is running on a channel of its own", async () => {
    let ssh: SshCommunicator | undefined;
    const port = await newConnectionPort(sshd, async () => {
      ssh = await connectRoot();
    });
    await run(ssh!, "true"); // the agent is up
    const [slow, quick] = await Promise.all([run(ssh!, "sleep 0.5; echo slow"), run(ssh!, "echo quick; exit 4")]);
    expect(slow).toMatchObject({ exitCode: 0, stdout: ["slow"] });
    expect(quick).toMatchObject({ exitCode: 4, stdout: ["quick"] });
    expect((await run(ssh!, "echo after")).stdout).toEqual(["after"]);
    expect(await sessionsOf(sshd, port, ssh!)).toEqual({ commands: 2, sftp: 0 });
  });

  it("keeps running commands after one was cancelled", async () => {
    let ssh: SshCommunicator | undefined;
    const port = await newConnectionPort(sshd, async () => {
      ssh = await connectRoot();
    });
    const { command, marker, running } = uniqueSleep();
    const controller = new AbortController();
    const pending = ssh!.exec(`echo started; ${command}`, { signal: controller.signal });
    await until("the remote sleep to start", () => processesMatching(running).length > 0);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(processesMatching(marker)).toEqual([]);
    for (let i = 0; i < 3; i++) expect((await run(ssh!, `echo ${i}`)).stdout).toEqual([String(i)]);
    // The agent, and the channel that sent the signals; the later commands went to the same agent.
    expect(await sessionsOf(sshd, port, ssh!)).toEqual({ commands: 2, sftp: 0 });
  });

  it("falls back to a session per command where the agent cannot run", async () => {
    // A server whose forced command refuses the agent but runs anything else.
    const gate = path.join(work, "no-agents.sh");
    fs.writeFileSync(
      gate,
      [
        "#!/bin/sh",
        'case "$SSH_ORIGINAL_COMMAND" in *kiln-agent*) echo "no agents here" >&2; exit 1;; esac',
        'exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"',
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const server = await startSshd({ config: [`ForceCommand ${gate}`] });
    try {
      const logged: string[] = [];
      const ssh = await connectRoot(server, {}, (text) => logged.push(text));
      for (let i = 0; i < 3; i++)
        expect(await run(ssh, `echo ${i}; exit ${i}`)).toMatchObject({ exitCode: i, stdout: [String(i)] });
      expect(logged.filter((line) => line.includes("use one SSH session each"))).toEqual([
        `Commands on root@127.0.0.1:${server.port} use one SSH session each: the agent's session ended before it was ready`,
      ]);
      const { command, marker, running } = uniqueSleep();
      const controller = new AbortController();
      const pending = ssh.exec(command, { signal: controller.signal });
      await until("the remote sleep to start", () => processesMatching(running).length > 0);
      controller.abort();
      await expect(pending).rejects.toBeInstanceOf(CancelledError);
      expect(processesMatching(marker)).toEqual([]);
      await ssh.close();
    } finally {
      await server.stop();
    }
  });
});

describe("the command agent's processes", () => {
  /**
   * A server whose forced command puts a logging `setsid` first on the PATH (each line: its PID and its
   * arguments); while `noProc` exists, it hides /proc/self/stat from the agent (a target without /proc), and
   * while `noSetsid` exists, setsid (a target without it).
   */
  let server: SshdHandle;
  let setsidLog: string;
  let noProc: string;
  let noSetsid: string;
  beforeAll(async () => {
    const bin = fs.mkdtempSync(path.join(work, "bin-"));
    setsidLog = path.join(bin, "setsid.log");
    noProc = path.join(bin, "no-proc");
    noSetsid = path.join(bin, "no-setsid");
    const realSetsid = execFileSync("/bin/sh", ["-c", "command -v setsid"], { encoding: "utf8" }).trim();
    fs.writeFileSync(
      path.join(bin, "setsid"),
      `#!/bin/sh\nprintf '%s\\n' "$$ $*" >>${setsidLog}\nexec ${realSetsid} "$@"\n`,
      { mode: 0o755 },
    );
    const gate = path.join(bin, "gate.sh");
    fs.writeFileSync(
      gate,
      [
        "#!/bin/sh",
        `PATH=${bin}:$PATH; export PATH; c=$SSH_ORIGINAL_COMMAND`,
        `case $c in *kiln-agent*) [ -e ${noProc} ] && c=$(printf '%s' "$c" | sed 's#/proc/self/stat#/nonexistent/stat#g');; esac`,
        `case $c in *kiln-agent*) [ -e ${noSetsid} ] && PATH=/nonexistent;; esac`,
        'exec /bin/sh -c "$c"',
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    server = await startSshd({ config: [`ForceCommand ${gate}`] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** Runs a few commands on a new connection; returns what setsid was asked to run, with the PIDs seen. */
  async function exercise() {
    fs.rmSync(setsidLog, { force: true });
    const ssh = await connectRoot(server);
    expect(await run(ssh, "exit 5")).toMatchObject({ exitCode: 5 });
    expect(await run(ssh, "kill -KILL $$")).toMatchObject({ exitCode: 137 });
    // The command's shell leads its own session and process group.
    const probe = await run(ssh, "read -r pid comm state ppid pgrp sid rest </proc/$$/stat; echo $$ $pgrp $sid $0");
    const [pid, pgrp, sid, zero] = probe.stdout[0]?.split(" ") ?? [];
    expect(pgrp).toBe(pid);
    expect(sid).toBe(pid);
    const shell = path.basename(os.userInfo().shell ?? "sh");
    expect(zero).toBe(shell);

    const { command, marker, running } = uniqueSleep();
    const controller = new AbortController();
    const pending = ssh.exec(`${command} & ${command}; wait`, { signal: controller.signal });
    await until("the remote sleeps to start", () => processesMatching(running).length === 2);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(processesMatching(marker)).toEqual([]);
    await ssh.close();
    const calls = fs.readFileSync(setsidLog, "utf8").trim().split("\n");
    expect(calls).toHaveLength(4);
    return { calls, pid: Number(pid), shell };
  }

  it("starts the user's shell itself under setsid, at the PID it announced, where /proc/self is readable", async () => {
    fs.rmSync(noProc, { force: true });
    const { calls, pid, shell } = await exercise();
    const norc = shell === "bash" ? "--norc " : "";
    expect(calls[2]).toBe(
      `${pid} ${os.userInfo().shell} ${norc}-c read -r pid comm state ppid pgrp sid rest </proc/$$/stat; echo $$ $pgrp $sid $0 ${shell}`,
    );
    expect(calls.every((line) => !line.includes("KILN"))).toBe(true); // no helper shell in between
  });

  it("announces the PID from a helper shell where /proc/self cannot be read", async () => {
    fs.writeFileSync(noProc, "");
    const { calls, pid } = await exercise();
    expect(calls[2]?.startsWith(`${pid} /bin/sh -c printf "\\036KILN%s:p:%s\\n" "$1" "$$"; shift; exec "$@"`)).toBe(
      true,
    );
  });

  it("falls back to a session per command where setsid is missing", async () => {
    fs.writeFileSync(noSetsid, "");
    try {
      const logged: string[] = [];
      const ssh = await connectRoot(server, {}, (text) => logged.push(text));
      expect(await run(ssh, "echo hi; exit 3")).toMatchObject({ exitCode: 3, stdout: ["hi"] });
      expect(logged.filter((line) => line.includes("use one SSH session each"))).toEqual([
        `Commands on root@127.0.0.1:${server.port} use one SSH session each: setsid is not installed on the target`,
      ]);
      await ssh.close();
    } finally {
      fs.rmSync(noSetsid, { force: true });
    }
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

  it("creates a file with exactly the mode asked, beyond the server's umask, and replaces a longer one whole", async () => {
    const created = path.join(work, "created-wide");
    await ssh.upload(Buffer.from("abc"), created, { signal: never, mode: 0o777 }); // sftp-server's umask is 022
    expect(fs.readFileSync(created, "utf8")).toBe("abc");
    expect(mode(created)).toBe(0o777);

    const existing = path.join(work, "existing-longer");
    fs.writeFileSync(existing, "x".repeat(10_000), { mode: 0o600 });
    await ssh.upload(Buffer.from("short"), existing, { signal: never, mode: 0o640 });
    expect(fs.readFileSync(existing, "utf8")).toBe("short");
    expect(mode(existing)).toBe(0o640);
    const large = randomBytes(600_000);
    await ssh.upload(large, existing, { signal: never, mode: 0o600 });
    expect(fs.readFileSync(existing).equals(large)).toBe(true);
    expect(mode(existing)).toBe(0o600);
  });

  it("uploads a file larger than the requests in flight, byte for byte", async () => {
    const local = path.join(work, "several-requests.bin");
    const data = randomBytes(5 * 255 * 1024 + 12_345); // more slices than requests in flight, a short last one
    fs.writeFileSync(local, data);
    fs.chmodSync(local, 0o600);
    const remote = path.join(work, "several-requests-remote.bin");
    await ssh.upload(local, remote, { signal: never });
    expect(fs.readFileSync(remote).equals(data)).toBe(true);
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
    // The connection survives a cancelled transfer, and so do transfers.
    expect((await run(ssh, "echo ok")).stdout).toEqual(["ok"]);
    await ssh.upload(Buffer.from("after"), path.join(work, "after-cancel.txt"), { signal: never });
    expect(fs.readFileSync(path.join(work, "after-cancel.txt"), "utf8")).toBe("after");
    fs.rmSync(big);
    fs.rmSync(remote);
  });
});

describe("SFTP sessions", () => {
  it("uses one SFTP session for every transfer on a connection, a fresh one after a cancelled transfer", async () => {
    let ssh: SshCommunicator | undefined;
    const port = await newConnectionPort(sshd, async () => {
      ssh = await connectRoot();
    });
    const dir = fs.mkdtempSync(path.join(work, "one-sftp-"));
    const local = path.join(dir, "local.txt");
    fs.writeFileSync(local, "local");
    await ssh!.upload(local, path.join(dir, "a.txt"), { signal: never });
    await ssh!.upload(Buffer.from("b"), path.join(dir, "b.txt"), { signal: never });
    await ssh!.download(path.join(dir, "b.txt"), path.join(dir, "b-back.txt"), { signal: never });
    await ssh!.uploadDir(path.join(__dirname, "fixtures"), path.join(dir, "tree"), { signal: never });
    await ssh!.downloadDir(path.join(dir, "tree"), path.join(dir, "tree-back"), { signal: never });
    await ssh!.remove(path.join(dir, "a.txt"), { signal: never });
    expect(fs.readFileSync(path.join(dir, "b-back.txt"), "utf8")).toBe("b");
    expect(fs.readFileSync(path.join(dir, "tree-back", "sshd.ts"))).toEqual(
      fs.readFileSync(path.join(__dirname, "fixtures", "sshd.ts")),
    );
    expect(fs.existsSync(path.join(dir, "a.txt"))).toBe(false);

    // A cancelled transfer ends the shared session mid-file; the next transfer opens another.
    const controller = new AbortController();
    const pending = ssh!.upload(Buffer.alloc(64 * 1024 * 1024), path.join(dir, "cancelled.bin"), {
      signal: controller.signal,
    });
    setImmediate(() => controller.abort());
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await ssh!.upload(Buffer.from("c"), path.join(dir, "c.txt"), { signal: never });
    await ssh!.upload(Buffer.from("d"), path.join(dir, "d.txt"), { signal: never });
    expect(fs.readFileSync(path.join(dir, "d.txt"), "utf8")).toBe("d");
    // The one command: the directory upload, a tar stream on a channel of its own (ssh-tar.ts).
    expect(await sessionsOf(sshd, port, ssh!)).toEqual({ commands: 1, sftp: 2 });
  });

  it("runs concurrent transfers side by side, on sessions of their own while the shared one is busy", async () => {
    let ssh: SshCommunicator | undefined;
    const port = await newConnectionPort(sshd, async () => {
      ssh = await connectRoot();
    });
    const dir = fs.mkdtempSync(path.join(work, "parallel-sftp-"));
    const payloads = [0, 1, 2].map(() => randomBytes(2 * 1024 * 1024));
    await Promise.all(payloads.map((data, i) => ssh!.upload(data, path.join(dir, `p${i}.bin`), { signal: never })));
    payloads.forEach((data, i) => {
      expect(fs.readFileSync(path.join(dir, `p${i}.bin`)).equals(data)).toBe(true);
    });
    await ssh!.upload(Buffer.from("later"), path.join(dir, "later.txt"), { signal: never });
    const { sftp } = await sessionsOf(sshd, port, ssh!);
    expect(sftp).toBeGreaterThanOrEqual(2); // never more than one transfer on a session at a time
    expect(sftp).toBeLessThanOrEqual(3); // the shared one, kept, plus one per transfer that found it busy
  });

  it("remove deletes a remote file, accepts a missing one, and names the path when it cannot", async () => {
    const ssh = await connectRoot();
    const file = path.join(work, "to-remove.txt");
    fs.writeFileSync(file, "x");
    await ssh.remove(file, { signal: never });
    expect(fs.existsSync(file)).toBe(false);
    await ssh.remove(file, { signal: never }); // already gone: fine
    const dir = fs.mkdtempSync(path.join(work, "not-a-file-"));
    await expect(ssh.remove(dir, { signal: never })).rejects.toThrow(
      new RegExp(`^ssh root@127\\.0\\.0\\.1:${sshd.port}: remove ${dir}: `),
    );
    expect(fs.existsSync(dir)).toBe(true);
    const controller = new AbortController();
    controller.abort();
    fs.writeFileSync(file, "x");
    await expect(ssh.remove(file, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(file)).toBe(true);
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
    const port = await newConnectionPort(server, async () => {
      expect((await run(ssh, "echo back")).stdout).toEqual(["back"]);
    });
    expect(acceptedLogins(server)).toBe(loginsBefore + 1); // exactly one new login
    expect(logged).toContain(`Connection to root@127.0.0.1:${server.port} lost; reconnecting`);
    // The new connection has a new agent, which runs the following commands too.
    for (let i = 0; i < 5; i++) expect((await run(ssh, `echo ${i}`)).stdout).toEqual([String(i)]);
    expect(await sessionsOf(server, port, ssh)).toEqual({ commands: 1, sftp: 0 });
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

describe("CommandSession protocol", () => {
  /**
   * OpenSSH happens to relay a command's stderr before the agent's completion record on stdout, so the
   * other order is played here by a stand-in for the agent's channel.
   */
  class FakeAgentChannel extends EventEmitter {
    readonly stderr = new EventEmitter();
    readonly requests: string[] = [];
    write(text: string): boolean {
      this.requests.push(text);
      return true;
    }
    close(): void {
      this.emit("close");
    }
    out(text: string): void {
      this.emit("data", Buffer.from(text, "latin1"));
    }
    err(text: string): void {
      this.stderr.emit("data", Buffer.from(text, "latin1"));
    }
  }

  async function startFake() {
    const channel = new FakeAgentChannel();
    let token = "";
    const client = {
      exec: (command: string, _options: unknown, callback: (error: Error | undefined, c: unknown) => void) => {
        token = command.split(" ").pop() ?? "";
        callback(undefined, channel);
      },
    } as unknown as Client;
    const starting = CommandSession.start(client, "fake", never);
    await new Promise((resolve) => setImmediate(resolve)); // start() listens once the channel is open
    channel.out(`motd noise\n\x1eKILN${token}:ready:\n`);
    return { channel, session: await starting };
  }

  it("resolves only once both streams carried the completion record", async () => {
    const { channel, session } = await startFake();
    const stdout: string[] = [];
    const stderr: string[] = [];
    const running = session.run("some command", {
      signal: never,
      onStdout: (line) => stdout.push(line),
      onStderr: (line) => stderr.push(line),
    });
    expect(running).toBeDefined();
    expect(session.run("another", { signal: never })).toBeUndefined(); // one at a time
    const nonce = channel.requests[0]?.split(" ")[0];
    expect(channel.requests).toEqual([`${nonce} 1\nsome command\n`]);
    let settled = false;
    void running!.result.then(() => {
      settled = true;
    });
    channel.out(`\x1eKILN${nonce}:p:4242\nout line\npartial`);
    expect(await running!.pid).toBe(4242);
    channel.out(`\x1eKILN${nonce}:x:3\n`);
    channel.err("early err\n");
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    channel.err(`late err\x1eKILN${nonce}:x:3\n`);
    expect(await running!.result).toEqual({ exitCode: 3, disconnected: false });
    expect(stdout).toEqual(["out line", "partial"]);
    expect(stderr).toEqual(["early err", "late err"]);
    expect(session.run("next", { signal: never })).toBeDefined(); // free again
  });

  it("frames a request as a header with the line count, then the command's lines as they are", async () => {
    const { channel, session } = await startFake();
    const command = "  first \\n\n\n%s last\n";
    session.run(command, { signal: never });
    const nonce = channel.requests[0]?.split(" ")[0];
    expect(nonce).toMatch(/^[0-9a-f]{16}$/);
    expect(channel.requests).toEqual([`${nonce} 4\n${command}\n`]);
  });

  it("reports a command whose agent went away as disconnected, and runs nothing more", async () => {
    const { channel, session } = await startFake();
    const running = session.run("reboot", { signal: never });
    channel.out("rebooting\n");
    channel.close();
    expect(await running!.result).toEqual({ exitCode: null, disconnected: true });
    expect(session.usable).toBe(false);
    expect(session.run("after", { signal: never })).toBeUndefined();
  });
});

describe("the agent and the kill script on this machine's /bin/sh", () => {
  it("hands any login shell (csh and fish too) one line to pass on as it is", () => {
    // Inside the single quotes: no newline (csh), no `!` (csh history), no `\\` or `\'` (fish unescapes those).
    const quoted = (command: string) => command.split("'").filter((_, i) => i % 2 === 1);
    const agent = quoted(agentCommand("t0k"));
    expect(agent).toHaveLength(2); // the loop and HELPER
    for (const text of agent) expect(text).not.toMatch(/[\n!]|\\\\/);
  });

  it("runs nothing of a request cut short (the connection went mid-write)", async () => {
    const flag = path.join(work, `cut-${randomBytes(4).toString("hex")}`);
    const agent = spawn("/bin/sh", ["-c", agentCommand("t0k")], { stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    agent.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("latin1");
    });
    agent.stdin.end(`n1 1\necho one\nn2 3\ntouch ${flag}\n`); // the second request's last 2 lines never came
    const status = await new Promise((resolve) => agent.once("close", resolve));
    expect(status).toBe(0);
    // The first request ran; the agent then ended without running the second.
    expect(out.replaceAll("\x1e", "<RS>")).toMatch(/^<RS>KILNt0k:ready:\n<RS>KILNn1:p:\d+\none\n<RS>KILNn1:x:0\n$/);
    expect(fs.existsSync(flag)).toBe(false);
  });

  it("waits for an announced PID to lead its group before signalling the group", async () => {
    // As in the agent: the PID is known before setsid makes it a group (here half a second before).
    const { command, marker, running } = uniqueSleep();
    const child = spawn("/bin/sh", ["-c", `sleep 0.5; exec setsid /bin/sh -c '${command} & wait'`], {
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    onTestFinished(() => {
      try {
        process.kill(-(child.pid as number), "SIGKILL"); // what a failed run left behind
      } catch {}
    });
    const report = execFileSync("/bin/sh", ["-c", groupKillScript(child.pid as number)], { encoding: "utf8" });
    expect(report.trim()).toBe("KILN_GROUP_GONE");
    expect(
      await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 5000))]),
    ).toBe("SIGTERM");
    expect(processesMatching(running)).toEqual([]);
    expect(processesMatching(marker)).toEqual([]);
  });
});

describe("RecordScanner", () => {
  it("cuts out the current nonce's records wherever chunks split them, and passes everything else on", () => {
    const nonce = "00112233aabbccdd";
    const stream = Buffer.from(
      `partial\x1eKILN${nonce}:p:42\nline 1\n\x1eKILNffff:x:1\nbin\x00\x1e\x1eKILN${nonce}:x:0\n\x1eKI`,
      "latin1",
    );
    const scan = (chunkSize: number) => {
      const data: Buffer[] = [];
      const records: string[] = [];
      const scanner = new RecordScanner();
      scanner.nonce = nonce;
      scanner.route(
        (bytes) => data.push(Buffer.from(bytes)),
        (kind, value) => records.push(`${kind}=${value}`),
      );
      for (let at = 0; at < stream.length; at += chunkSize) scanner.push(stream.subarray(at, at + chunkSize));
      return { data: Buffer.concat(data).toString("latin1"), records };
    };
    for (const size of [1, 2, 3, 7, stream.length]) {
      expect(scan(size), `chunks of ${size}`).toEqual({
        // The trailing "\x1eKI" may still become a record: held back until more bytes come.
        data: "partialline 1\n\x1eKILNffff:x:1\nbin\x00\x1e",
        records: ["p=42", "x=0"],
      });
    }
  });

  it("delivers a line at once unless its end could start a record", () => {
    const data: string[] = [];
    const scanner = new RecordScanner();
    scanner.nonce = "0123456789abcdef";
    scanner.route(
      (bytes) => data.push(bytes.toString("latin1")),
      () => {},
    );
    scanner.push(Buffer.from("first\n"));
    expect(data).toEqual(["first\n"]);
    scanner.push(Buffer.from("\x1eKILN0123", "latin1"));
    expect(data).toEqual(["first\n"]);
    scanner.push(Buffer.from("x\n", "latin1")); // not a record after all
    expect(data.join("")).toBe("first\n\x1eKILN0123x\n");
  });
});
