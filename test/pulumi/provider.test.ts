import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DeleteTagsCommand, DeregisterImageCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../provider/pulumi/inputs";
import { bakedImageProvider as provider } from "../../provider/pulumi/provider";
import {
  amiTags,
  type BakedImageInputs,
  type BakedImageOutputs,
  COPY_REGION,
  captureConsole,
  type Env,
  ebsArgs,
  inputsFor,
  leftovers,
  REGION,
  snapshotTags,
  useEnv,
} from "./harness";

// The provider object Pulumi's host would call, driven directly against moto (EC2) and a real sshd
// (the build machine). Every test asserts on what is left in moto, not on the calls made.
const env = useEnv();

async function create(inputs: BakedImageInputs) {
  const run = await captureConsole(() => provider.create(inputs));
  if (run.error) throw Object.assign(run.error as Error, { lines: run.lines });
  return { id: run.result?.id as string, outs: run.result?.outs as BakedImageOutputs, lines: run.lines };
}

async function createFails(inputs: BakedImageInputs) {
  const run = await captureConsole(() => provider.create(inputs));
  if (!run.error) throw new Error(`create succeeded: ${JSON.stringify(run.result)}`);
  return { error: run.error as Error & { id?: string }, lines: run.lines };
}

function writeScript(e: Env, name: string, body: string): string {
  mkdirSync(join(e.work, "scripts"), { recursive: true });
  writeFileSync(join(e.work, "scripts", name), body);
  return `scripts/${name}`;
}

/** An HTTP endpoint that counts requests and fails them: any AWS call made against it shows. */
async function countingEndpoint() {
  let count = 0;
  const server = createServer((_req, res) => {
    count++;
    res.writeHead(500).end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => count,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe("create", () => {
  it("bakes the image in every region, streams the build, tags it as held, and leaves nothing temporary", async () => {
    const e = env();
    const marker = join(e.work, "nginx.txt");
    const script = writeScript(e, "nginx.sh", `#!/bin/sh\necho "installing nginx"\necho nginx > ${marker}\n`);
    const inputs = await inputsFor(
      e,
      {
        amazonEbs: ebsArgs(e, { amiRegions: [COPY_REGION], tags: { Name: "web", team: "edge" } }),
        provisioners: [{ type: "shell", script }],
        tags: { team: "platform", env: "test" },
      },
      { owner: "shop/prod/web" },
    );
    const { id, outs, lines } = await create(inputs);

    expect(readFileSync(marker, "utf8")).toBe("nginx\n");
    expect(lines).toContain("[kiln] amazon-ebs.web: ==> provisioner shell (1/1)");
    expect(lines).toContain("[kiln] amazon-ebs.web:     installing nginx");
    expect(id).toBe(outs.imageId);
    expect(outs.imageId).toBe(outs.images[REGION]);
    expect(Object.keys(outs.images).sort()).toEqual([REGION, COPY_REGION]);
    expect(outs.artifactId).toBe(`${REGION}:${outs.images[REGION]},${COPY_REGION}:${outs.images[COPY_REGION]}`);
    expect(outs.imageName).toMatch(/^kiln-pulumi-test-\d{14}-[0-9a-f]{4}$/);
    expect(outs).toMatchObject({ fingerprint: inputs.fingerprint, adopted: false, buildName: "amazon-ebs.web" });
    expect(JSON.parse(outs.manifest).builds[0]).toMatchObject({ name: "web", artifact_id: outs.artifactId });

    const left = await leftovers(e.moto);
    for (const region of [REGION, COPY_REGION]) {
      expect(left.byRegion[region]).toMatchObject({ instances: [], keyPairs: [], securityGroups: [], volumes: [] });
      expect(left.byRegion[region]?.images).toEqual([outs.images[region]]);
    }
    expect(
      [...(left.byRegion[REGION]?.snapshots ?? []), ...(left.byRegion[COPY_REGION]?.snapshots ?? [])].sort(),
    ).toEqual([...outs.snapshotIds].sort());
    const tags = await amiTags(e.moto, COPY_REGION, outs.images[COPY_REGION] as string);
    expect(tags).toMatchObject({ Name: "web", team: "edge", env: "test", "kiln:pulumi:baked": "true" });
    expect(tags?.[`kiln:pulumi:holder:${outs.holder}`]).toBe("shop/prod/web");

    await captureConsole(() => provider.delete?.(id, outs) as Promise<void>);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});

describe("diff", () => {
  it("a script edit replaces, a tag edit updates, nothing changed is no change — with no AWS call", async () => {
    const e = env();
    const counter = await countingEndpoint();
    try {
      const script = writeScript(e, "setup.sh", "#!/bin/sh\necho v1\n");
      const args = (tags: Record<string, string>) => ({
        amazonEbs: ebsArgs(e, { customEndpointEc2: counter.url }),
        provisioners: [{ type: "shell" as const, script }],
        tags,
      });
      const olds = (await inputsFor(e, args({ team: "a" }))) as unknown as BakedImageOutputs;

      expect(await provider.diff?.("ami-1", olds, await inputsFor(e, args({ team: "a" })))).toEqual({
        changes: false,
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect(await provider.diff?.("ami-1", olds, await inputsFor(e, args({ team: "b" })))).toMatchObject({
        changes: true,
        replaces: [],
      });
      writeScript(e, "setup.sh", "#!/bin/sh\necho v2\n");
      expect(await provider.diff?.("ami-1", olds, await inputsFor(e, args({ team: "a" })))).toMatchObject({
        changes: true,
        replaces: ["fingerprint"],
        deleteBeforeReplace: false,
      });
      expect(counter.count()).toBe(0);
    } finally {
      await counter.close();
    }
  });

  it("a new image name replaces (AMI names cannot change); a fingerprint not known yet (preview) replaces", async () => {
    const e = env();
    const olds = (await inputsFor(e, { amazonEbs: ebsArgs(e) })) as unknown as BakedImageOutputs;
    const renamed = await inputsFor(e, { amazonEbs: ebsArgs(e, { amiName: "other-name" }) });
    expect(renamed.fingerprint).toBe(olds.fingerprint);
    expect(await provider.diff?.("ami-1", olds, renamed)).toMatchObject({ changes: true, replaces: ["amazonEbs"] });
    const unknown = { ...olds, fingerprint: UNKNOWN } as BakedImageInputs;
    expect(await provider.diff?.("ami-1", olds, unknown)).toMatchObject({ replaces: ["fingerprint"] });
  });
});

describe("sshSession", () => {
  it("is recorded in state, gives each command its own SSH session, and changing it updates in place", async () => {
    const e = env();
    // The fixture's second user: its login shell reads no heavy startup files, so the agent starts fast.
    const login = { sshUsername: e.sshd.passwordUser, sshPassword: e.sshd.password, sshPrivateKeyFile: undefined };
    const args = (sshSession?: "agent" | "per-command") => ({
      amazonEbs: ebsArgs(e, login),
      provisioners: [
        { type: "shell" as const, inline: ["echo one"] },
        { type: "shell" as const, inline: ["echo two"] },
      ],
      ...(sshSession ? { sshSession } : {}),
    });
    const inputs = await inputsFor(e, args("per-command"));
    // How commands reach the machine is not the image's content.
    expect(inputs.fingerprint).toBe((await inputsFor(e, args())).fingerprint);

    const before = e.sshd.log().length;
    const { id, outs, lines } = await create(inputs);
    const sessions = e.sshd
      .log()
      .slice(before)
      .split("\n")
      .filter((line) => line.startsWith("Starting session: command "));
    expect(lines).toContain("[kiln] amazon-ebs.web:     two");
    expect(sessions.length).toBeGreaterThanOrEqual(2); // the agent would be one
    expect(outs.sshSession).toBe("per-command");
    expect(await provider.diff?.(id, outs, await inputsFor(e, args("agent")))).toMatchObject({
      changes: true,
      replaces: [],
    });

    await captureConsole(() => provider.delete?.(id, outs) as Promise<void>);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});

describe("update", () => {
  it("re-tags the image and its snapshots in every region in place and keeps every output", async () => {
    const e = env();
    const base = { amazonEbs: ebsArgs(e, { amiRegions: [COPY_REGION], snapshotTags: { backup: "daily" } }) };
    const created = await create(await inputsFor(e, { ...base, tags: { team: "a", old: "x" } }));
    const news = await inputsFor(e, { ...base, tags: { team: "b", added: "y" } });

    const run = await captureConsole(async () => provider.update?.(created.id, created.outs, news));
    const outs = run.result?.outs as BakedImageOutputs;
    expect(run.error).toBeUndefined();
    for (const key of ["imageId", "images", "snapshotIds", "artifactId", "imageName", "manifest", "holder"] as const) {
      expect(outs[key]).toEqual(created.outs[key]);
    }
    expect(outs.tags).toEqual({ team: "b", added: "y" });
    const left = await leftovers(e.moto);
    expect(left.byRegion[REGION]?.images).toEqual([created.outs.images[REGION]]);
    for (const region of [REGION, COPY_REGION]) {
      const tags = await amiTags(e.moto, region, created.outs.images[region] as string);
      expect(tags).toMatchObject({ team: "b", added: "y", "kiln:pulumi:baked": "true" });
      expect(tags).not.toHaveProperty("old");
      expect(tags).toHaveProperty(`kiln:pulumi:holder:${created.outs.holder}`);
    }
    const [snapshot] = left.byRegion[COPY_REGION]?.snapshots ?? [];
    expect(await snapshotTags(e.moto, COPY_REGION, snapshot as string)).toMatchObject({ team: "b", backup: "daily" });
  });
});

describe("delete", () => {
  it("with retainOnDelete the image and snapshots stay, no longer marked as held", async () => {
    const e = env();
    const { id, outs } = await create(await inputsFor(e, { amazonEbs: ebsArgs(e), retainOnDelete: true }));
    await captureConsole(() => provider.delete?.(id, outs) as Promise<void>);
    const left = await leftovers(e.moto);
    expect(left.byRegion[REGION]?.images).toEqual([outs.imageId]);
    expect(left.byRegion[REGION]?.snapshots).toEqual(outs.snapshotIds);
    expect(await amiTags(e.moto, REGION, outs.imageId)).not.toHaveProperty(`kiln:pulumi:holder:${outs.holder}`);
  });

  it("can be repeated after the image is already gone", async () => {
    const e = env();
    const { id, outs } = await create(await inputsFor(e, { amazonEbs: ebsArgs(e) }));
    await e.moto.ec2(REGION).send(new DeregisterImageCommand({ ImageId: outs.imageId }));
    await captureConsole(() => provider.delete?.(id, outs) as Promise<void>);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});

describe("failure", () => {
  it("a failing provisioner leaves nothing: no instance, key pair, security group, image or snapshot", async () => {
    const e = env();
    const { error } = await createFails(
      await inputsFor(e, {
        amazonEbs: ebsArgs(e, { amiRegions: [COPY_REGION] }),
        provisioners: [{ type: "shell", inline: ["echo about to fail", "exit 7"] }],
      }),
    );
    expect(error.message).toMatch(/provisioner shell \(1\/1\).*status 7/);
    expect(error.id).toBeUndefined();
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("a post-processor failing after the image exists deletes the image too", async () => {
    const e = env();
    const { error, lines } = await createFails(
      await inputsFor(e, {
        amazonEbs: ebsArgs(e, { amiRegions: [COPY_REGION] }),
        postProcessors: [{ type: "shell-local", inline: ["exit 3"] }],
      }),
    );
    expect(error.message).toMatch(/post-processor shell-local/);
    expect(lines.some((l) => /failed after making .*ami-.*; deleting it/.test(l))).toBe(true);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("the timeout cancels the build and cleans up", async () => {
    const e = env();
    const { error } = await createFails(
      await inputsFor(e, {
        amazonEbs: ebsArgs(e),
        provisioners: [{ type: "shell", inline: ["sleep 27.1828"] }],
        timeout: "2s",
      }),
    );
    expect(error.message).toMatch(/timed out after 2s/);
    expect((await leftovers(e.moto)).total).toBe(0);
  });
});

describe("secrets", () => {
  it("values passed as secrets are redacted from the streamed output, errors and the manifest", async () => {
    const e = env();
    const secret = "hunter2-very-secret";
    const echo = { type: "shell" as const, env: { API_TOKEN: secret }, inline: ['echo "token is $API_TOKEN"'] };
    const args = {
      amazonEbs: ebsArgs(e),
      postProcessors: [{ type: "manifest" as const, output: "m.json", customData: { token: secret } }],
    };
    const failing = { type: "shell" as const, inline: [`echo "bad ${secret}" >&2`, `exit 1 # ${secret}`] };
    const { error, lines } = await createFails(
      await inputsFor(e, { ...args, provisioners: [echo, failing] }, { sensitiveValues: [secret] }),
    );
    expect(lines).toContain("[kiln] amazon-ebs.web:     token is <sensitive>");
    expect(lines.join("\n")).not.toContain(secret);
    expect(error.message).toContain("<sensitive>");
    expect(error.message).not.toContain(secret);

    const ok = await create(await inputsFor(e, { ...args, provisioners: [echo] }, { sensitiveValues: [secret] }));
    expect(JSON.parse(ok.outs.manifest).builds[0].custom_data).toEqual({ token: "<sensitive>" });
    expect(ok.lines.join("\n")).not.toContain(secret);
  });
});

describe("reuse", () => {
  it("a second resource adopts the image baked from identical content; the last holder deletes it", async () => {
    const e = env();
    const args = {
      amazonEbs: ebsArgs(e),
      provisioners: [{ type: "shell" as const, inline: ["echo same"] }],
      reuse: true,
    };
    const first = await create(await inputsFor(e, args, { owner: "shop/blue/web" }));
    const second = await create(await inputsFor(e, args, { owner: "shop/green/web" }));
    expect(second.outs).toMatchObject({ imageId: first.outs.imageId, adopted: true });
    expect(second.lines.join("\n")).not.toContain("==> provisioner");
    expect((await leftovers(e.moto)).byRegion[REGION]?.images).toEqual([first.outs.imageId]);

    // The stack that baked it goes first: the image stays for the one that adopted it.
    const kept = await captureConsole(() => provider.delete?.(first.id, first.outs) as Promise<void>);
    expect(kept.lines.join("\n")).toContain("kept: still held by shop/green/web");
    expect((await leftovers(e.moto)).byRegion[REGION]?.images).toEqual([first.outs.imageId]);

    await captureConsole(() => provider.delete?.(second.id, second.outs) as Promise<void>);
    expect((await leftovers(e.moto)).total).toBe(0);
  });

  it("an adopter never deletes an image no BakedImage baked", async () => {
    const e = env();
    const args = { amazonEbs: ebsArgs(e), reuse: true };
    const baker = await create(await inputsFor(e, args, { owner: "ci/kiln" }));
    // As if another tool had baked it: no baked mark, no holder.
    await e.moto.ec2(REGION).send(
      new DeleteTagsCommand({
        Resources: [baker.outs.imageId],
        Tags: [{ Key: "kiln:pulumi:baked" }, { Key: `kiln:pulumi:holder:${baker.outs.holder}` }],
      }),
    );
    const adopter = await create(await inputsFor(e, args, { owner: "shop/prod/web" }));
    expect(adopter.outs.adopted).toBe(true);
    const run = await captureConsole(() => provider.delete?.(adopter.id, adopter.outs) as Promise<void>);
    expect(run.lines.join("\n")).toContain("kept: adopted, and not baked by a BakedImage");
    expect((await leftovers(e.moto)).byRegion[REGION]?.images).toEqual([baker.outs.imageId]);
  });

  it("without reuse an identical build bakes its own image", async () => {
    const e = env();
    const args = { amazonEbs: ebsArgs(e) };
    const first = await create(await inputsFor(e, args));
    const second = await create(await inputsFor(e, args));
    expect(second.outs.imageId).not.toBe(first.outs.imageId);
    expect(second.outs.adopted).toBe(false);
  });
});

describe("read", () => {
  it("reports an image deregistered outside Pulumi as gone, and a present one unchanged", async () => {
    const e = env();
    const { id, outs } = await create(await inputsFor(e, { amazonEbs: ebsArgs(e) }));
    expect(await provider.read?.(id, outs)).toEqual({ id, props: outs });
    await e.moto.ec2(REGION).send(new DeregisterImageCommand({ ImageId: outs.imageId }));
    expect(await provider.read?.(id, outs)).toEqual({});
  });
});
