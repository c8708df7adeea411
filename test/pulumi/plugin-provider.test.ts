import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ResolvedArgs, UNKNOWN } from "../../provider/pulumi/inputs";
import { kilnProvider, parseUrn } from "../../provider/pulumi/plugin/provider";
import { isSecret, reveal, rewrap, secret, secretValues } from "../../provider/pulumi/plugin/wire";
import { providerInputs } from "../../provider/pulumi/program";

describe("secrets on the provider protocol", () => {
  const wired = {
    amazonEbs: { region: "us-east-1", secretKey: secret("s3cr3t") },
    provisioners: [{ type: "shell", env: { TOKEN: secret("tok") } }, { type: "file" }],
    vars: secret({ password: "pw", user: "u" }),
  };

  it("reveal unwraps at every depth; secretValues lists every string inside a secret", () => {
    expect(reveal(wired)).toEqual({
      amazonEbs: { region: "us-east-1", secretKey: "s3cr3t" },
      provisioners: [{ type: "shell", env: { TOKEN: "tok" } }, { type: "file" }],
      vars: { password: "pw", user: "u" },
    });
    expect(secretValues(wired).sort()).toEqual(["pw", "s3cr3t", "tok", "u"]);
  });

  it("rewrap marks the same places again, and nothing else", () => {
    const outs = { ...(reveal(wired) as object), imageId: "ami-1" };
    const again = rewrap(outs, wired) as Record<string, unknown>;
    expect(again).toEqual({ ...wired, imageId: "ami-1" });
    expect(isSecret((again.amazonEbs as Record<string, unknown>).region)).toBe(false);
  });

  it("parseUrn reads stack, project, type and name", () => {
    expect(parseUrn("urn:pulumi:dev::web::kiln:index:BakedImage::img")).toEqual({
      stack: "dev",
      project: "web",
      type: "kiln:index:BakedImage",
      name: "img",
    });
    expect(parseUrn("urn:pulumi:dev::web::my:Component$kiln:index:BakedImage::a::b").name).toBe("a::b");
  });
});

describe("the plugin's check computes what the Node program computes for the dynamic resource", () => {
  const urn = "urn:pulumi:dev::web::kiln:index:BakedImage::img";
  const plugin = kilnProvider({ log: () => () => {} });
  const dir = mkdtempSync(join(tmpdir(), "kiln-plugin-check-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const args = (script: string) => ({
    baseDir: dir,
    amazonEbs: { region: "us-east-1", sourceAmi: "ami-1", instanceType: "t3.micro", sshUsername: "u", amiName: "web" },
    provisioners: [{ type: "shell", script, env: { TOKEN: secret("tok") } }],
  });

  it("fingerprint, source name, owner and the secrets to redact, which stay secret", async () => {
    writeFileSync(join(dir, "a.sh"), "echo a\n");
    const checked = await plugin.check?.(urn, {}, args("./a.sh"));
    expect(checked?.failures).toEqual([]);
    const expected = await providerInputs("img", reveal(args("./a.sh")) as ResolvedArgs, {
      sensitiveValues: ["tok"],
      owner: "web/dev/img",
    });
    expect(checked?.inputs).toMatchObject({
      sourceName: "img",
      owner: "web/dev/img",
      fingerprint: expected.fingerprint,
      sensitiveValues: secret(["tok"]),
      provisioners: [{ env: { TOKEN: secret("tok") } }],
    });
    writeFileSync(join(dir, "a.sh"), "echo b\n");
    const edited = await plugin.check?.(urn, {}, args("./a.sh"));
    expect(edited?.inputs.fingerprint).not.toBe(expected.fingerprint);
  });

  it("a bad input fails naming the property; an unknown one waits for `up`", async () => {
    const bad = await plugin.check?.(urn, {}, args("./missing.sh"));
    expect(bad?.failures?.map((f) => f.property)).toEqual(["provisioners[0]"]);
    const unknown = await plugin.check?.(urn, {}, { ...args("./missing.sh"), amazonEbs: { region: UNKNOWN } });
    expect(unknown?.failures).toEqual([]);
    expect(unknown?.inputs.fingerprint).toBe(UNKNOWN);
  });

  it("refuses types it does not serve", async () => {
    await expect(plugin.check?.("urn:pulumi:dev::web::kiln:index:Other::x", {}, {})).rejects.toThrow(
      /no custom resource/,
    );
  });
});
