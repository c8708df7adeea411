import * as fs from "node:fs";
import * as path from "node:path";
import type { Client, FileEntryWithStats, SFTPWrapper, Stats, TransferOptions } from "ssh2";
import { abortReason } from "../engine/abort";
import { internalError, pathInvalid } from "../engine/errors";
import { transferGarbageCollector } from "../util/transfer-garbage";
import { type TreeEntry, walkLocalTree } from "./local-tree";

/**
 * Pipelining for uploads and fastGet: 1 MiB in flight, half of OpenSSH's 2 MiB channel window, so requests
 * do not wait in ssh2's queue (32 × 255 KiB did: 8 MiB of copies held for the window), in requests of
 * OpenSSH's largest write (255 KiB): each request costs a packet header, a status reply and a write(2)
 * on the server, so 4 large ones took 30–50% less CPU than 16 × 64 KiB at the same memory. Tuned on
 * a 50 MB file (`make bench`); servers with a smaller limit get the data split by ssh2.
 */
export const TRANSFER_TUNING = { concurrency: 4, chunkSize: 255 * 1024 } as const;
/** Files transferred at once by uploadDir/downloadDir: many small files are latency-bound. */
const FILES_IN_PARALLEL = 16;

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const SFTP_NO_SUCH_FILE = 2;

/**
 * One SFTP channel, kept for the connection and used by one operation at a time (`use`). Aborting the
 * operation's signal ends the channel, which fails every outstanding request at once: that is how a
 * transfer stops mid-file. The session is then closed and the next operation opens another.
 */
export class SftpSession {
  #signal: AbortSignal = new AbortController().signal;
  #closed = false;
  #busy = false;

  private constructor(readonly sftp: SFTPWrapper) {
    const gone = () => {
      this.#closed = true;
    };
    sftp.once("end", gone);
    sftp.once("close", gone);
    // A protocol error ends the channel; without a listener it would crash the process.
    sftp.on("error", gone);
  }

  static open(client: Client, signal: AbortSignal): Promise<SftpSession> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortReason(signal));
      try {
        client.sftp((error, sftp) => {
          if (error) return reject(error);
          if (signal.aborted) {
            sftp.end();
            return reject(abortReason(signal));
          }
          resolve(new SftpSession(sftp));
        });
      } catch (error) {
        reject(error); // "Not connected"
      }
    });
  }

  /** False once the channel ended (aborted operation, server closed it, connection dropped). */
  get usable(): boolean {
    return !this.#closed;
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** Runs one operation under `signal`; the session must not be busy. */
  async use<T>(signal: AbortSignal, work: (session: this) => Promise<T>): Promise<T> {
    if (this.#busy) throw internalError("SFTP session already in use");
    const onAbort = () => this.close();
    this.#busy = true;
    this.#signal = signal;
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (signal.aborted) onAbort();
      return await work(this);
    } finally {
      signal.removeEventListener("abort", onAbort);
      this.#signal = new AbortController().signal;
      this.#busy = false;
    }
  }

  close(): void {
    this.#closed = true;
    this.sftp.end();
  }

  /**
   * Adapts one callback-style SFTP call. An abort rejects at once: some ssh2 paths never call back
   * once their channel is closed.
   */
  call<T>(start: (callback: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
    return new Promise((resolve, reject) => {
      const signal = this.#signal;
      if (signal.aborted) return reject(abortReason(signal));
      const onAbort = () => reject(abortReason(signal));
      signal.addEventListener("abort", onAbort, { once: true });
      start((error, value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) reject(abortReason(signal));
        else if (error) reject(error);
        else resolve(value);
      });
    });
  }

  /** Removes a file; one that is already gone is fine. */
  async unlink(remote: string): Promise<void> {
    try {
      await this.call((cb) => this.sftp.unlink(remote, (error) => cb(error, undefined)));
    } catch (error) {
      if ((error as { code?: unknown }).code !== SFTP_NO_SUCH_FILE) throw error;
    }
  }

  stat(remote: string): Promise<Stats> {
    return this.call((cb) => this.sftp.stat(remote, cb));
  }

  /** `stat`, or undefined when the path does not exist. */
  async statIfExists(remote: string): Promise<Stats | undefined> {
    try {
      return await this.stat(remote);
    } catch (error) {
      if ((error as { code?: unknown }).code === SFTP_NO_SUCH_FILE) return undefined;
      throw error;
    }
  }

  chmod(remote: string, mode: number): Promise<void> {
    return this.call((cb) => this.sftp.chmod(remote, mode, (error) => cb(error, undefined)));
  }

  readdir(remote: string): Promise<FileEntryWithStats[]> {
    return this.call((cb) => this.sftp.readdir(remote, cb));
  }

  /** `mkdir -p`; directories it creates get `mode` (chmod'ed, since sftp-server applies its umask). */
  async mkdirs(remote: string, mode = 0o755): Promise<void> {
    const existing = await this.statIfExists(remote);
    if (existing) {
      if (!isDir(existing.mode)) throw pathInvalid(`${remote} exists and is not a directory`, remote);
      return;
    }
    const parent = path.posix.dirname(remote);
    if (parent !== remote) await this.mkdirs(parent);
    try {
      await this.call((cb) => this.sftp.mkdir(remote, { mode }, (error) => cb(error, undefined)));
    } catch (error) {
      // Lost a race with another creator: fine if it is a directory now.
      const now = await this.statIfExists(remote);
      if (!now || !isDir(now.mode)) throw error;
      return;
    }
    await this.chmod(remote, mode);
  }

  /**
   * Uploads one regular file, with its own mode unless `mode` is given. The remote file is opened once:
   * created with its mode, then written through the same handle (fastPut would close it and open it
   * again, two more round trips).
   */
  async putFile(local: string, remote: string, mode?: number): Promise<void> {
    const file = await fs.promises.open(local, "r");
    try {
      const stats = await file.stat();
      if (!stats.isFile()) throw pathInvalid(`${local} is not a regular file`, local);
      await this.#write(remote, mode ?? stats.mode & 0o7777, stats.size, async (offset, length, slot) => {
        const { bytesRead } = await file.read(slot(), 0, length, offset);
        if (bytesRead < length) throw pathInvalid(`${local} shrank while it was being uploaded`, local);
        return slot().subarray(0, length);
      });
    } finally {
      await file.close();
    }
  }

  putBuffer(data: Buffer, remote: string, mode = 0o644): Promise<void> {
    return this.#write(remote, mode, data.length, async (offset, length) => data.subarray(offset, offset + length));
  }

  /**
   * Creates (or truncates) `remote` with exactly `mode` (sftp-server applies its umask on create), then
   * writes `size` bytes that `slice` supplies, TRANSFER_TUNING.concurrency requests in flight, each
   * reading into its own reused `slot` (allocated only for a slice that asks for it: a buffer's slices
   * are views of the buffer). A 0600 file is never readable by others, not even half-written: a file
   * this upload creates has no bit beyond `mode` from the start (a umask only removes bits), so its
   * fchmod and content go out together; over a file that was there, the mode is set first.
   */
  async #write(
    remote: string,
    mode: number,
    size: number,
    slice: (offset: number, length: number, slot: () => Buffer) => Promise<Buffer>,
  ): Promise<void> {
    const created = await this.#create(remote, mode);
    const handle = created ?? (await this.call<Buffer>((cb) => this.sftp.open(remote, "w", { mode }, cb)));
    const chmod = this.call((cb) => this.sftp.fchmod(handle, mode, (error) => cb(error, undefined)));
    let written = false;
    try {
      if (!created) await chmod;
      const { concurrency, chunkSize } = TRANSFER_TUNING;
      const collect = transferGarbageCollector();
      let next = 0;
      let done = 0;
      let failed = false;
      const requests = async () => {
        let buffer: Buffer | undefined;
        const slot = () => (buffer ??= Buffer.allocUnsafe(Math.min(chunkSize, size)));
        while (!failed && next < size) {
          const offset = next;
          const length = Math.min(chunkSize, size - offset);
          next += length;
          try {
            const data = await slice(offset, length, slot);
            await this.call((cb) => this.sftp.write(handle, data, 0, length, offset, (error) => cb(error, undefined)));
          } catch (error) {
            failed = true;
            throw error;
          }
          done += length;
          collect(done);
        }
      };
      await Promise.all([
        chmod,
        ...Array.from({ length: Math.min(concurrency, Math.ceil(size / chunkSize)) }, requests),
      ]);
      written = true;
    } finally {
      // After a failure the close is best effort: the first error is the one to report. The close waits
      // for the writes' answers: ssh2 sends the rest of a write larger than the server takes in one
      // request only after the first part's answer.
      chmod.catch(() => {});
      const closing = this.call((cb) => this.sftp.close(handle, (error) => cb(error, undefined)));
      if (written) await closing;
      else closing.catch(() => {});
    }
  }

  /**
   * Opens `remote` for writing only if nothing is there (O_EXCL), created with `mode`; undefined when it
   * could not: a file is there, or a failure that the plain open, next, reports.
   */
  async #create(remote: string, mode: number): Promise<Buffer | undefined> {
    try {
      return await this.call<Buffer>((cb) => this.sftp.open(remote, "wx", { mode }, cb));
    } catch (error) {
      if (this.#signal.aborted) throw error;
      return undefined;
    }
  }

  /** Downloads one regular file, keeping its mode; a partial local file is removed on failure. */
  async getFile(remote: string, local: string, known?: Stats): Promise<void> {
    const stats = known ?? (await this.stat(remote));
    if (!isFile(stats.mode)) throw pathInvalid(`${remote} is not a regular file`, remote);
    await fs.promises.mkdir(path.dirname(local), { recursive: true });
    try {
      await this.call((cb) =>
        this.sftp.fastGet(remote, local, transferOptions(stats.size), (error) => cb(error, undefined)),
      );
      await fs.promises.chmod(local, stats.mode & 0o7777);
    } catch (error) {
      await fs.promises.rm(local, { force: true });
      throw error;
    }
  }

  /** Copies the contents of `localDir` into `remoteDir`, following symlinks like `scp -r` (see walkLocalTree). */
  async putTree(localDir: string, remoteDir: string): Promise<void> {
    const tree = await walkLocalTree(localDir);
    await this.mkdirs(remoteDir, tree.mode);
    const files: TreeEntry[] = [];
    for (const entry of tree.entries) {
      const to = path.posix.join(remoteDir, entry.relative);
      if (entry.kind === "dir") await this.mkdirs(to, entry.mode);
      else files.push(entry);
    }
    await inParallel(files, FILES_IN_PARALLEL, (file) =>
      this.putFile(file.local, path.posix.join(remoteDir, file.relative)),
    );
  }

  /** Copies the contents of `remoteDir` into `localDir`; symlinks to files are followed, to directories not. */
  async getTree(remoteDir: string, localDir: string): Promise<void> {
    const root = await this.stat(remoteDir);
    if (!isDir(root.mode)) throw pathInvalid(`${remoteDir} is not a directory`, remoteDir);
    await fs.promises.mkdir(localDir, { recursive: true });
    await fs.promises.chmod(localDir, root.mode & 0o7777);
    const files: [string, string, Stats][] = [];
    const walk = async (remote: string, local: string): Promise<void> => {
      for (const entry of await this.readdir(remote)) {
        if (entry.filename === "." || entry.filename === "..") continue;
        const from = path.posix.join(remote, entry.filename);
        const to = path.join(local, entry.filename);
        let stats = entry.attrs;
        if ((stats.mode & S_IFMT) === S_IFLNK) {
          stats = (await this.statIfExists(from)) ?? stats;
          if (!isFile(stats.mode)) continue;
        }
        if (isDir(stats.mode)) {
          await fs.promises.mkdir(to, { recursive: true });
          await fs.promises.chmod(to, stats.mode & 0o7777);
          await walk(from, to);
        } else if (isFile(stats.mode)) files.push([from, to, stats]);
      }
    };
    await walk(remoteDir, localDir);
    await inParallel(files, FILES_IN_PARALLEL, ([from, to, stats]) => this.getFile(from, to, stats));
  }
}

/** fastPut/fastGet options for one file of `fileSize` bytes; dead buffers are collected as it goes. */
function transferOptions(fileSize: number): TransferOptions {
  const collect = transferGarbageCollector();
  return { ...TRANSFER_TUNING, fileSize, step: (transferred) => collect(transferred) };
}

function isDir(mode: number): boolean {
  return (mode & S_IFMT) === S_IFDIR;
}

function isFile(mode: number): boolean {
  return (mode & S_IFMT) === S_IFREG;
}

/** Runs `work` over `items`, at most `limit` at a time; the first failure stops new work and is thrown. */
async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
