import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SshdHandle, startSshd } from "../fixtures/sshd";
import { kiln } from "./run-kiln";

// kiln.ts loads Node's own modules before it sets V8 flags, since V8 refuses the code cache Node ships
// for them once a flag differs (provider/cli/node-builtins.ts). A preloaded probe notes which Node
// modules a run loads after the first flag is set; a public one there is missing from the list.

let dir: string;
let sshd: SshdHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kiln-builtins-"));
  sshd = await startSshd();
  writeFileSync(
    join(dir, "probe.js"),
    `const v8 = require("node:v8");
const setFlags = v8.setFlagsFromString;
let at;
v8.setFlagsFromString = (flags) => { at ??= process.moduleLoadList.length; return setFlags(flags); };
process.on("exit", () => {
  const late = process.moduleLoadList.slice(at ?? 0).filter((m) => m.startsWith("NativeModule "));
  require("node:fs").writeFileSync(${JSON.stringify(join(dir, "late.json"))}, JSON.stringify({ flagsSet: at !== undefined, late }));
});
`,
  );
  mkdirSync(join(dir, "site/css"), { recursive: true });
  writeFileSync(join(dir, "site/index.html"), "<h1>hello</h1>\n");
  writeFileSync(join(dir, "site/css/main.css"), "h1 { color: red }\n");
  const remote = join(sshd.dir, "uploaded");
  writeFileSync(
    join(dir, "up.pkr.hcl"),
    `source "null" "up" {
  ssh_host             = "${sshd.host}"
  ssh_port             = ${sshd.port}
  ssh_username         = "${sshd.username}"
  ssh_private_key_file = "${sshd.privateKeyPath}"
}
build {
  sources = ["source.null.up"]
  provisioner "shell" {
    inline = ["mkdir -p ${remote}"]
  }
  provisioner "file" {
    source      = "site/"
    destination = "${remote}"
  }
}
`,
  );
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The public Node modules a run loaded after kiln set its first V8 flag. */
async function loadedAfterFlags(args: string[]): Promise<string[]> {
  const run = await kiln(args, { cwd: dir, env: { NODE_OPTIONS: `--require ${join(dir, "probe.js")}` } });
  expect(run).toMatchObject({ code: 0, stderr: "" });
  const { flagsSet, late } = JSON.parse(readFileSync(join(dir, "late.json"), "utf8")) as {
    flagsSet: boolean;
    late: string[];
  };
  expect(flagsSet).toBe(true);
  return late.map((m) => m.slice("NativeModule ".length)).filter((name) => !name.startsWith("internal/"));
}

describe("Node's own modules come before kiln's V8 flags", () => {
  it("for a validate", async () => {
    expect(await loadedAfterFlags(["validate", "up.pkr.hcl"])).toEqual([]);
  });

  it("for a build that runs a script and uploads a folder over SSH", async () => {
    expect(await loadedAfterFlags(["build", "up.pkr.hcl"])).toEqual([]);
    expect(readFileSync(join(sshd.dir, "uploaded/css/main.css"), "utf8")).toBe("h1 { color: red }\n");
  });
});
