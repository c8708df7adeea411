import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeKeyPairsCommand } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { build } from "../../provider/kiln";
import { COPY_REGIONS, type Env, ebsConfig, REGION, recorder, useEnv, watchApi } from "./harness";

const env = useEnv();

/** `formatMs` output ("12ms", "1.5s", "2m3s") → milliseconds. */
function parseMs(text: string): number {
  const m = /^(?:(\d+)m)?(?:([\d.]+)s)?(?:(\d+)ms)?$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 1000 + Number(m[3] ?? 0);
}

/** One build the way a user runs it (temporary key pair and security group), measured. */
async function measure(e: Env, extra: Record<string, unknown>) {
  const { ssh_private_key_file: _k, ...config } = ebsConfig(e, extra);
  const api = watchApi();
  const rec = recorder();
  const t0 = Date.now();
  await build(
    {
      baseDir: e.work,
      sources: [{ type: "amazon-ebs", name: "web", config }],
      provisioners: [{ type: "shell", config: { inline: ["true"] } }],
    },
    {
      onEvent: rec.onEvent,
      onStep: async (_b, step, phase) => {
        if (step !== "amazon-ebs: temporary key pair" || phase !== "after") return;
        const keys = await e.moto.ec2(REGION).send(new DescribeKeyPairsCommand({ IncludePublicKey: true }));
        for (const k of keys.KeyPairs ?? [])
          appendFileSync(join(e.sshd.dir, "authorized_keys"), `${k.PublicKey?.trim()}\n`);
      },
    },
  ).finally(api.stop);
  const totalMs = Date.now() - t0;
  const waits = rec.messages().flatMap((m) => {
    const w = /^waited (\S+) for (.+) \((\d+) polls?\)$/.exec(m);
    return w ? [{ ms: parseMs(w[1] as string), what: w[2] as string, polls: Number(w[3]) }] : [];
  });
  const byCommand: Record<string, number> = {};
  for (const c of api.calls) byCommand[c.command] = (byCommand[c.command] ?? 0) + 1;
  const steps = rec.events.flatMap((ev) => (ev.type === "step-finished" ? [`${ev.step} ${ev.durationMs}ms`] : []));
  return { calls: api.calls.length, byCommand, waits, waitMs: waits.reduce((n, w) => n + w.ms, 0), totalMs, steps };
}

describe("amazon-ebs: cost of one successful build", () => {
  it("counts EC2 API calls and the time spent in waiters", async () => {
    const e = env();
    const single = await measure(e, {});
    await e.moto.reset();
    const copied = await measure(e, { ami_regions: [...COPY_REGIONS] });
    for (const [name, m] of Object.entries({ "one region": single, "three regions": copied })) {
      console.log(
        `[amazon-ebs metrics] ${name}: ${m.calls} EC2 API calls ${JSON.stringify(m.byCommand)}; ` +
          `${m.waits.length} waits, ${m.waits.reduce((n, w) => n + w.polls, 0)} polls, ${m.waitMs} ms waiting; build ${m.totalMs} ms ` +
          `(steps: ${m.steps.join(", ")})`,
      );
    }
    // moto finishes every state change at once, so each wait is one poll: no fixed sleeps anywhere.
    for (const w of [...single.waits, ...copied.waits]) expect(w.polls).toBe(1);
    expect(single.waits.map((w) => w.what.replace(/\w+-[0-9a-f]+/g, "ID"))).toEqual([
      "instance ID to be running",
      "instance ID to stop",
      "AMI ID to be available",
      "instance ID to terminate",
    ]);
    // Every call is accounted for: a change in the sequence is deliberate.
    expect(single.byCommand).toEqual({
      DescribeImages: 4, // reuse lookup, name check, source AMI, available waiter
      CreateKeyPair: 1,
      CreateSecurityGroup: 1,
      AuthorizeSecurityGroupIngress: 1,
      RunInstances: 1,
      DescribeInstances: 3, // running, stopped, terminated waiters
      StopInstances: 1,
      CreateImage: 1,
      CreateTags: 2, // snapshot tags; fingerprint on AMI + snapshot
      TerminateInstances: 1,
      DescribeVolumes: 1,
      DeleteSecurityGroup: 1,
      DeleteKeyPair: 1,
    } satisfies Record<string, number>);
    expect(single.calls).toBe(19);
  });
});
