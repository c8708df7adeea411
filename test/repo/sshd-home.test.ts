/**
 * The sshd fixture's `home` option, which `make bench` relies on: both tools must log in to an account
 * whose login shell reads the given folder's rc files, not this machine's `~/.bashrc`.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SshdHandle, startSshd } from "../fixtures/sshd";

const run = promisify(execFile);
let home: string;
let sshd: SshdHandle;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "kiln-sshd-home-"));
  // sshd makes bash read ~/.bashrc even for a command: this one leaves a mark to find.
  writeFileSync(join(home, ".bashrc"), "export KILN_RC_READ_FROM=$HOME\n");
  sshd = await startSshd({ home });
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(home, { recursive: true, force: true });
});

it("gives every session the home it was given, whose rc files the login shell reads", async () => {
  const { stdout } = await run("ssh", [
    ...["-p", String(sshd.port), "-i", sshd.privateKeyPath],
    ...["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes"],
    `${sshd.username}@${sshd.host}`,
    'echo "$HOME|$KILN_RC_READ_FROM|$KILN_SSHD_FIXTURE"',
  ]);
  const [seenHome, rcFrom, tag] = stdout.trim().split("|");
  expect(seenHome).toBe(home);
  // The login shell (bash, root's here and in CI) read our .bashrc, not the user's.
  expect(rcFrom).toBe(home);
  // The fixture's own tag still reaches the session (one SetEnv line carries both).
  expect(tag).toBe(basename(sshd.dir));
});
