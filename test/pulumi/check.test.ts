import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import type { BakedImageInputs, ResolvedArgs, UncomparedInput } from "../../provider/pulumi/inputs";
import { INPUT_KEYS, UNKNOWN } from "../../provider/pulumi/inputs";
import { providerInputs } from "../../provider/pulumi/program";
import { bakedImageProvider as provider } from "../../provider/pulumi/provider";
// Registers the hook that lets the provider `require` its TypeScript runtime.
import "./harness";

// `check` runs at `pulumi preview`: it must reject a bad build before anything is created, naming the
// Pulumi property at fault. No cloud and no SSH server are involved.
let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), "kiln-pulumi-check-"));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const ebs = {
  region: "us-east-1",
  sourceAmi: "ami-0a11c0ffee0000002",
  instanceType: "t3.micro",
  amiName: "web",
  sshUsername: "ubuntu",
  temporarySecurityGroupSourceCidrs: ["203.0.113.7/32"],
};

async function failures(args: ResolvedArgs, patch: Partial<BakedImageInputs> = {}) {
  const inputs = { ...(await providerInputs("web", { baseDir: work, ...args })), ...patch };
  const result = await provider.check?.({}, inputs);
  expect(result?.inputs).toEqual(inputs);
  return result?.failures ?? [];
}

describe("check names the property at fault", () => {
  it("accepts a valid build", async () => {
    expect(await failures({ amazonEbs: ebs, provisioners: [{ type: "shell", inline: ["true"] }] })).toEqual([]);
  });

  it("builder fields, nested blocks and the name with its unique suffix", async () => {
    const found = await failures({
      amazonEbs: {
        ...ebs,
        sourceAmi: "ubuntu-22.04",
        amiName: "a".repeat(120),
        metadataOptions: { httpTokens: "sometimes" as "required" },
      },
    });
    expect(found.map((f) => f.property).sort()).toEqual([
      "amazonEbs.amiName",
      "amazonEbs.metadataOptions.httpTokens",
      "amazonEbs.sourceAmi",
    ]);
    expect(found.find((f) => f.property === "amazonEbs.sourceAmi")?.reason).toMatch(/AMI ID/);
  });

  it("provisioners and post-processors by position, including a missing script and an unknown field", async () => {
    const found = await failures({
      amazonEbs: ebs,
      provisioners: [
        { type: "shell", inline: ["true"] },
        { type: "shell", script: "scripts/missing.sh" },
        { type: "file", destination: "/tmp/x", content: "x", ...({ mode: "0644" } as object) },
      ],
      postProcessors: [
        { type: "manifest" },
        [{ type: "checksum" }, { type: "manifest", stripPath: "yes" as unknown as boolean }],
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        { property: "provisioners[1]", reason: expect.stringMatching(/file not found: .*missing\.sh/) },
        { property: "provisioners[2].mode", reason: expect.stringMatching(/not a known field/) },
        { property: "postProcessors[1][1].stripPath", reason: expect.any(String) },
      ]),
    );
    expect(found).toHaveLength(3);
  });

  it("the timeout, and the choice between a builder and a template", async () => {
    expect(await failures({ amazonEbs: ebs, timeout: "soon" })).toEqual([
      { property: "timeout", reason: expect.stringMatching(/invalid duration/) },
    ]);
    expect(await failures({ amazonEbs: ebs, sshSession: "sometimes" as "agent" })).toEqual([
      { property: "sshSession", reason: "must be one of agent, per-command" },
    ]);
    expect(await failures({})).toEqual([
      {
        property: "amazonEbs",
        reason: expect.stringMatching(/set one of \[amazonEbs\] or \[azureArm\] or \[template\]/),
      },
    ]);
    expect(await failures({ amazonEbs: ebs, template: "web.pkr.hcl" })).toEqual([
      { property: "template", reason: expect.stringMatching(/set only one of/) },
    ]);
  });

  it("a template's problems point at its file and line; several sources need `only`", async () => {
    mkdirSync(join(work, "t"));
    writeFileSync(
      join(work, "t", "web.pkr.hcl"),
      [
        'source "null" "a" {',
        '  communicator = "none"',
        "}",
        'source "null" "b" {',
        '  communicator = "none"',
        "  colour = 3",
        "}",
        'build { sources = ["source.null.a", "source.null.b"] }',
        "",
      ].join("\n"),
    );
    const bad = await failures({ template: "t", only: ["null.b"] });
    expect(bad).toEqual([{ property: "template", reason: expect.stringMatching(/web\.pkr\.hcl:6:\d+: .*colour/) }]);
    expect(await failures({ template: "t/web.pkr.hcl", except: ["null.b"] })).toEqual([]);
    const two = await failures({ template: "t/web.pkr.hcl", vars: {} });
    expect(two).toEqual([{ property: "only", reason: expect.stringMatching(/null\.a, null\.b/) }]);
  });

  it("secrets in reasons are redacted", async () => {
    const found = await failures(
      { amazonEbs: ebs, provisioners: [{ type: "shell", script: "tok-s3cret.sh" }] },
      { sensitiveValues: ["tok-s3cret"] },
    );
    expect(found).toEqual([{ property: "provisioners[0]", reason: expect.stringContaining("<sensitive>.sh") }]);
    expect(JSON.stringify(found)).not.toContain("s3cret");
  });

  it("skips validation while an input is not known yet (preview), and checks it once known", async () => {
    expect(await failures({ amazonEbs: { ...ebs, sourceAmi: UNKNOWN } })).toEqual([]);
  });
});

describe("inputs diff compares and create echoes", () => {
  it("are every input, each inline builder's key included", () => {
    // The type checker holds the list complete (make test runs it); the run checks the builders' keys.
    expectTypeOf<UncomparedInput>().toEqualTypeOf<never>();
    expect(INPUT_KEYS).toEqual(expect.arrayContaining(["amazonEbs", "azureArm", "sshSession", "owner"]));
  });
});
