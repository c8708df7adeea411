/**
 * Directory uploads against a real sshd, both ways they can go: one tar stream into GNU tar (the target
 * here has it), and file by file over SFTP (a second sshd whose PATH finds a `tar` that is not GNU tar).
 * Both must copy the same thing: contents, exact modes, empty directories, symlinks followed, dangling
 * ones and loops skipped, long names, names needing quotes.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { communicatorSchema } from "../provider/communicator/config";
import { type TreeEntry, walkLocalTree } from "../provider/communicator/local-tree";
import { connectSsh, type SshCommunicator, SshError } from "../provider/communicator/ssh";
import { tarUpload } from "../provider/communicator/ssh-tar";
import { CancelledError } from "../provider/engine/errors";
import { processesMatching, type SshdHandle, startSshd } from "./fixtures/sshd";

const never = new AbortController().signal;
let work: string;
let withTar: SshdHandle;
let withoutTar: SshdHandle;
const open: SshCommunicator[] = [];

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "kiln-upload-dir-"));
  fs.chmodSync(work, 0o755);
  const fakeBin = path.join(work, "fake-bin");
  fs.mkdirSync(fakeBin);
  fs.writeFileSync(path.join(fakeBin, "tar"), "#!/bin/sh\necho 'tar (busybox) 1.36'\nexit 1\n", { mode: 0o755 });
  withTar = await startSshd();
  withoutTar = await startSshd({ config: [`SetEnv PATH=${fakeBin}:/usr/bin:/bin`] });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await withTar?.stop();
  await withoutTar?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function connect(server: SshdHandle, log: string[]): Promise<SshCommunicator> {
  const communicator = await connectSsh(
    communicatorSchema.parse({ ssh_username: server.username, ssh_private_key_file: "id_ed25519", ssh_timeout: "20s" }),
    { host: server.host, port: server.port },
    { signal: never, baseDir: server.dir, log: (text) => log.push(text) },
  );
  open.push(communicator);
  return communicator;
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o7777;
}

const LONG = `${"deep-".repeat(14)}name`; // > 100 bytes once under its folders: needs a PAX header
const files: Record<string, [Buffer, number]> = {
  "top.txt": [Buffer.from("top\n"), 0o644],
  "run.sh": [Buffer.from("#!/bin/sh\necho run\n"), 0o755],
  "a/secret": [Buffer.from("s3cr3t"), 0o600],
  "a/read-only": [Buffer.from("ro"), 0o444],
  "a/b/blob.bin": [randomBytes(700_000), 0o640],
  "a/b/empty": [Buffer.alloc(0), 0o644],
  "it's spaced $HOME": [Buffer.from("quoted"), 0o644],
  [`a/b/${LONG}/${LONG}.txt`]: [Buffer.from("long"), 0o644],
};

/** A source tree with every kind of entry the upload has a rule for. */
function makeSource(name: string): string {
  const source = path.join(work, name);
  for (const [rel, [content, fileMode]] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
    fs.writeFileSync(path.join(source, rel), content);
    fs.chmodSync(path.join(source, rel), fileMode);
  }
  fs.mkdirSync(path.join(source, "empty-dir"));
  fs.chmodSync(path.join(source, "a", "b"), 0o750);
  fs.chmodSync(path.join(source, "empty-dir"), 0o700);
  fs.symlinkSync("top.txt", path.join(source, "link-to-file"));
  fs.symlinkSync("a", path.join(source, "link-to-dir"));
  fs.symlinkSync("nowhere", path.join(source, "dangling"));
  fs.symlinkSync("..", path.join(source, "a", "loop")); // back to the root: skipped
  return source;
}

function expectCopied(remote: string): void {
  for (const [rel, [content, fileMode]] of Object.entries(files)) {
    expect(fs.readFileSync(path.join(remote, rel)).equals(content), rel).toBe(true);
    expect(mode(path.join(remote, rel)), rel).toBe(fileMode);
  }
  expect(mode(path.join(remote, "a", "b"))).toBe(0o750);
  expect(fs.statSync(path.join(remote, "empty-dir")).isDirectory()).toBe(true);
  expect(fs.readdirSync(path.join(remote, "empty-dir"))).toEqual([]);
  expect(mode(path.join(remote, "empty-dir"))).toBe(0o700);
  // Symlinks are followed: a regular file and a real directory on the target.
  expect(fs.lstatSync(path.join(remote, "link-to-file")).isFile()).toBe(true);
  expect(fs.readFileSync(path.join(remote, "link-to-file"), "utf8")).toBe("top\n");
  expect(fs.lstatSync(path.join(remote, "link-to-dir")).isDirectory()).toBe(true);
  expect(fs.readFileSync(path.join(remote, "link-to-dir", "secret"), "utf8")).toBe("s3cr3t");
  expect(fs.existsSync(path.join(remote, "dangling"))).toBe(false);
  expect(fs.existsSync(path.join(remote, "a", "loop"))).toBe(false);
}

describe.each([
  ["tar stream", () => withTar, false],
  ["SFTP (no GNU tar on the target)", () => withoutTar, true],
] as const)("uploadDir by %s", (_, server, fallsBack) => {
  it("copies contents, modes, empty directories and followed symlinks into a new directory", async () => {
    const log: string[] = [];
    const ssh = await connect(server(), log);
    const source = makeSource(`source-${fallsBack ? "sftp" : "tar"}`);
    fs.chmodSync(source, 0o751);
    const remote = path.join(work, `dest ${fallsBack ? "sftp" : "tar"} 'quoted'`, "nested");
    await ssh.uploadDir(source, remote, { signal: never });
    expectCopied(remote);
    expect(mode(remote)).toBe(0o751); // created: the source's mode
    expect(mode(path.dirname(remote))).toBe(0o755); // parents: 0755
    expect(log.some((line) => /has no GNU tar/.test(line))).toBe(fallsBack);
  });

  it("into an existing directory: files replaced with their new content and mode, directories kept as they are", async () => {
    const ssh = await connect(server(), []);
    const source = path.join(work, `again-${fallsBack ? "sftp" : "tar"}`);
    fs.mkdirSync(path.join(source, "sub"), { recursive: true });
    fs.writeFileSync(path.join(source, "sub", "file"), "new");
    fs.chmodSync(path.join(source, "sub", "file"), 0o600);
    fs.chmodSync(path.join(source, "sub"), 0o700);
    const remote = path.join(work, `existing-${fallsBack ? "sftp" : "tar"}`);
    fs.mkdirSync(path.join(remote, "sub"), { recursive: true });
    fs.chmodSync(remote, 0o711);
    fs.chmodSync(path.join(remote, "sub"), 0o755);
    fs.writeFileSync(path.join(remote, "sub", "file"), "old, and longer");
    fs.chmodSync(path.join(remote, "sub", "file"), 0o644);
    fs.writeFileSync(path.join(remote, "untouched"), "stays");

    await ssh.uploadDir(source, remote, { signal: never });
    expect(fs.readFileSync(path.join(remote, "sub", "file"), "utf8")).toBe("new");
    expect(mode(path.join(remote, "sub", "file"))).toBe(0o600);
    expect(mode(path.join(remote, "sub"))).toBe(0o755);
    expect(mode(remote)).toBe(0o711);
    expect(fs.readFileSync(path.join(remote, "untouched"), "utf8")).toBe("stays");
  });

  it("fails naming the transfer and the endpoint when the destination is a file", async () => {
    const ssh = await connect(server(), []);
    const source = path.join(work, `small-${fallsBack ? "sftp" : "tar"}`);
    fs.mkdirSync(source, { recursive: true });
    fs.writeFileSync(path.join(source, "f"), "x");
    const blocker = path.join(work, `a-file-${fallsBack ? "sftp" : "tar"}`);
    fs.writeFileSync(blocker, "in the way");
    const error = await ssh.uploadDir(source, path.join(blocker, "dir"), { signal: never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshError);
    expect((error as Error).message).toMatch(
      new RegExp(`^ssh root@127\\.0\\.0\\.1:${server().port}: upload ${source}/ to ${blocker}/dir: `),
    );
    expect(fs.readFileSync(blocker, "utf8")).toBe("in the way");
  });

  it("stops when cancelled, and the connection keeps working", async () => {
    const ssh = await connect(server(), []);
    const source = path.join(work, `big-${fallsBack ? "sftp" : "tar"}`);
    fs.mkdirSync(source, { recursive: true });
    for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(source, `part${i}.bin`), Buffer.alloc(32 * 1024 * 1024, i));
    const remote = path.join(work, `big-dest-${fallsBack ? "sftp" : "tar"}`);
    const controller = new AbortController();
    const pending = ssh.uploadDir(source, remote, { signal: controller.signal });
    const started = Date.now();
    while (!fs.existsSync(path.join(remote, "part0.bin")) && Date.now() - started < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(fs.existsSync(path.join(remote, "part3.bin")) && fs.statSync(path.join(remote, "part3.bin")).size).not.toBe(
      32 * 1024 * 1024,
    );
    const after = path.join(work, `after-${fallsBack ? "sftp" : "tar"}`);
    await ssh.uploadDir(path.join(source), after, { signal: never });
    expect(fs.statSync(path.join(after, "part3.bin")).size).toBe(32 * 1024 * 1024);
    fs.rmSync(source, { recursive: true });
  });
});

/** A plain ssh2 connection to the sshd with GNU tar, for tarUpload on its own. */
async function rawClient(): Promise<Client> {
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once("ready", resolve).once("error", reject);
    client.connect({
      host: withTar.host,
      port: withTar.port,
      username: withTar.username,
      privateKey: withTar.privateKey,
    });
  });
  return client;
}

describe("the tar stream's archive", () => {
  it("carries files of every size around its block, batch and slice boundaries byte for byte", async () => {
    const ssh = await connect(withTar, []);
    const source = path.join(work, "sizes");
    fs.mkdirSync(source);
    const sizes = [1, 511, 512, 513, 31 * 1024, 32 * 1024 - 512, 32 * 1024, 64 * 1024 - 1, 64 * 1024, 64 * 1024 + 1];
    sizes.push(256 * 1024, 256 * 1024 + 1, 3 * 256 * 1024 - 7);
    const contents = new Map(sizes.map((size) => [`f-${size}`, randomBytes(size)]));
    // Many small files after one another: headers and contents fill batch after batch.
    for (let i = 0; i < 300; i++) contents.set(`small/${String(i).padStart(3, "0")}`, randomBytes(100 + i * 7));
    for (const [name, content] of contents) {
      fs.mkdirSync(path.dirname(path.join(source, name)), { recursive: true });
      fs.writeFileSync(path.join(source, name), content);
    }
    const remote = path.join(work, "sizes-dest");
    await ssh.uploadDir(source, remote, { signal: never });
    for (const [name, content] of contents) {
      expect(fs.readFileSync(path.join(remote, name)).equals(content), name).toBe(true);
    }
    expect(fs.readdirSync(path.join(remote, "small"))).toHaveLength(300);
  });

  it.each([
    ["a small file that grew", 1000, 1001],
    ["a small file that shrank", 1000, 999],
    ["a large file that shrank", 300_000, 200_000],
    ["a large file that grew", 300_000, 400_000],
  ])("fails naming %s after the walk", async (_, walked, now) => {
    const client = await rawClient();
    try {
      const source = path.join(work, `changed-${walked}-${now}`);
      fs.mkdirSync(source);
      fs.writeFileSync(path.join(source, "before"), "unchanged");
      fs.writeFileSync(path.join(source, "file"), randomBytes(walked));
      const { mode, entries } = await walkLocalTree(source);
      fs.writeFileSync(path.join(source, "file"), randomBytes(now));
      const remote = path.join(work, `changed-dest-${walked}-${now}`);
      const error = await tarUpload(client, Promise.resolve(entries), remote, mode, never).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: "FILE_CHANGED",
        message: `${path.join(source, "file")} changed size while it was uploaded (expected ${walked} bytes)`,
      });
    } finally {
      client.end();
    }
  });
});

async function waitFor(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * Waits until no process has matched for `quietMs`. One look proves nothing: a process inside an exec
 * (the remote script's login shell becoming /bin/sh) shows an empty command line for a moment, since the
 * kernel sets the new one late. Seen as gone, it matched again 10 ms later: once in CI, and in 2 of 29
 * runs here under load.
 */
async function waitForNone(pattern: string, quietMs = 300, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (processesMatching(pattern).length > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A leftover process as the failure shows it: what it runs and what it waits on. */
function describeProcess(pid: number): string {
  const read = (file: string) => fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  try {
    const state = read("status").match(/^State:\s*(.*)$/m)?.[1];
    return `${pid} ${state} wchan=${read("wchan")}: ${read("cmdline").split("\0").join(" ").trim()}`;
  } catch {
    return `${pid} (exited)`;
  }
}

describe("the tar stream while the local walk is still going", () => {
  it("creates nothing on the target when the walk fails, though tar's channel was already open", async () => {
    const client = await rawClient();
    try {
      const remote = path.join(work, `walk-failed-${randomBytes(4).toString("hex")}`, "dest");
      const walkFailed = new Error("the walk failed");
      let fail: (error: Error) => void = () => {};
      const entries = new Promise<TreeEntry[]>((_, reject) => {
        fail = reject;
      });
      const upload = tarUpload(client, entries, remote, 0o755, never);
      // The remote script is running (it names the directory): only now does the walk fail.
      await waitFor(() => processesMatching(remote).length > 0);
      expect(processesMatching(remote).length).toBeGreaterThan(0);
      fail(walkFailed);
      await expect(upload).rejects.toBe(walkFailed);
      await waitForNone(remote);
      expect(processesMatching(remote).map(describeProcess)).toEqual([]);
      expect(fs.existsSync(path.dirname(remote))).toBe(false);
    } finally {
      client.end();
    }
  });
});
