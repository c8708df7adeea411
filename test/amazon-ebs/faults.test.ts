import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeKeyPairsCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { Artifact } from "../../provider/engine/artifact";
import { BuildFailedError } from "../../provider/engine/build";
import { CleanupError, isCancellation } from "../../provider/engine/errors";
import { build, destroyArtifact } from "../../provider/kiln";
import type { BuildSpec } from "../../provider/spec/types";
import { leftoverCount, startMoto } from "../fixtures/moto";
import { startSshd } from "../fixtures/sshd";
import {
  type ApiCall,
  amisOf,
  COPY_REGIONS,
  type Env,
  ebsConfig,
  leftovers,
  REGION,
  snapshotsOf,
  watchApi,
} from "./harness";

/**
 * The richest build: temporary key pair and security group, a launch volume that outlives the instance,
 * encryption, copies to two regions, sharing, tags. `spot` swaps RunInstances for a launch template + fleet.
 */
function matrixSpec(e: Env, spot: boolean): BuildSpec {
  const { ssh_private_key_file: _k, instance_type: _t, ...base } = ebsConfig(e);
  return {
    baseDir: e.work,
    sources: [
      {
        type: "amazon-ebs",
        name: "matrix",
        config: {
          ...base,
          ...(spot ? { spot_price: "auto", spot_instance_types: ["t3.micro"] } : { instance_type: "t3.micro" }),
          ami_regions: [...COPY_REGIONS],
          encrypt_boot: true,
          launch_block_device_mappings: [{ device_name: "/dev/sdf", volume_size: 5 }],
          ami_users: ["111122223333"],
          snapshot_users: ["111122223333"],
          tags: { app: "matrix" },
          snapshot_tags: { app: "matrix" },
        },
      },
    ],
    provisioners: [{ type: "shell", config: { inline: ["true"] } }],
  };
}

/** Authorises the temporary key pair on the local sshd, as cloud-init would on a real instance. */
async function authorizeKey(e: Env, step: string, phase: string) {
  if (step !== "amazon-ebs: temporary key pair" || phase !== "after") return;
  const keys = await e.moto.ec2(REGION).send(new DescribeKeyPairsCommand({ IncludePublicKey: true }));
  for (const key of keys.KeyPairs ?? [])
    appendFileSync(join(e.sshd.dir, "authorized_keys"), `${key.PublicKey?.trim()}\n`);
}

type Fault =
  | { kind: "step-error" | "step-cancel"; step: string; phase: "before" | "after" }
  /** fail: refused before sending; lost: EC2 did it but the reply is lost (an error); cancel: same, then cancelled. */
  | { kind: "call-fail" | "call-lost" | "call-cancel"; call: ApiCall; nth: number };

const label = (f: Fault) =>
  "step" in f ? `${f.kind} ${f.phase} '${f.step}'` : `${f.kind} ${f.call.command}#${f.nth} in ${f.call.region}`;

const injected = () => Object.assign(new Error("injected fault"), { name: "InjectedFault" });

/** Runs one build with one fault; returns the leftovers it caused and whether the fault took effect. */
async function runWithFault(e: Env, spot: boolean, fault: Fault) {
  const controller = new AbortController();
  const seen = new Map<string, number>();
  const api = watchApi({
    intercept: async (call, send) => {
      if (!("call" in fault)) return send();
      const key = `${call.region} ${call.command}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      if (key !== `${fault.call.region} ${fault.call.command}` || n !== fault.nth) return send();
      if (fault.kind === "call-fail") throw injected();
      await send();
      if (fault.kind === "call-lost") throw injected();
      controller.abort();
      throw Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
    },
  });
  let error: unknown;
  let artifact: Artifact | undefined;
  try {
    const result = await build(matrixSpec(e, spot), {
      signal: controller.signal,
      onStep: async (_b, step, phase) => {
        await authorizeKey(e, step, phase);
        if (!("step" in fault) || fault.step !== step || fault.phase !== phase) return;
        if (fault.kind === "step-error") throw injected();
        controller.abort();
      },
    });
    artifact = result.artifacts[0];
  } catch (err) {
    error = err;
  } finally {
    api.stop();
  }
  if (artifact) {
    // The fault was absorbed (a failed poll is polled again): exactly the artifact may remain.
    const left = await leftovers(e.moto);
    const expected = artifactResources(artifact);
    const extra = left.total - expected.count;
    const matches = Object.entries(left.byRegion).every(
      ([region, l]) =>
        sameSet(l.images, expected.images[region]) &&
        sameSet(l.snapshots, expected.snapshots[region]) &&
        leftoverCount({ ...l, images: [], snapshots: [] }) === 0,
    );
    await destroyArtifact(artifact, { config: ebsConfig(e) });
    const after = await leftovers(e.moto);
    return { outcome: "absorbed" as const, leaked: (matches ? 0 : Math.max(extra, 1)) + after.total, left, error };
  }
  const buildError = error instanceof BuildFailedError ? error.builds[0]?.error : error;
  const surfaced = fault.kind.endsWith("cancel")
    ? isCancellation(buildError)
    : String((buildError as Error)?.message).includes("injected fault");
  const left = await leftovers(e.moto);
  return {
    outcome: surfaced && !(buildError instanceof CleanupError) ? ("failed" as const) : ("wrong-error" as const),
    leaked: left.total,
    left,
    error: buildError,
  };
}

function artifactResources(artifact: Artifact) {
  const images: Record<string, string[]> = {};
  const snapshots = snapshotsOf(artifact);
  for (const [region, id] of Object.entries(amisOf(artifact))) images[region] = [id];
  const count = Object.values(images).flat().length + Object.values(snapshots).flat().length;
  return { images, snapshots, count };
}

const sameSet = (a: readonly string[], b: readonly string[] | undefined) =>
  a.length === (b ?? []).length && a.every((x) => b?.includes(x));

/** A clean run that records the steps and the API calls made while steps run (not in cleanup). */
async function baseline(e: Env, spot: boolean) {
  const steps: string[] = [];
  const calls: { call: ApiCall; nth: number }[] = [];
  const counts = new Map<string, number>();
  let cleaning = false;
  const api = watchApi({
    intercept: async (call, send) => {
      const key = `${call.region} ${call.command}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (!cleaning) calls.push({ call, nth: counts.get(key) ?? 0 });
      return send();
    },
  });
  const result = await build(matrixSpec(e, spot), {
    onStep: (_b, step, phase) => authorizeKey(e, step, phase),
    onEvent: (ev) => {
      if (ev.type === "step-started") steps.push(ev.step);
      if (ev.type === "cleanup-started") cleaning = true;
    },
  }).finally(api.stop);
  return { steps, calls, artifact: result.artifacts[0] };
}

/** Every step (error or cancel, before or after it) and every API call (failed, lost or cancelled). */
function faultsOf(base: Awaited<ReturnType<typeof baseline>>): Fault[] {
  return [
    ...base.steps.flatMap((step) =>
      (["step-error", "step-cancel"] as const).flatMap((kind) =>
        (["before", "after"] as const).map((phase) => ({ kind, step, phase })),
      ),
    ),
    ...base.calls.flatMap(({ call, nth }) =>
      (["call-fail", "call-lost", "call-cancel"] as const).map((kind) => ({ kind, call, nth })),
    ),
  ];
}

/** A case is one build and its cleanup (seconds); the margin is for a busy CI machine. */
const CASE_TIMEOUT_MS = 60_000;

// Async: the cases are the steps and calls of fault-free baselines, run while the file is collected, on the
// moto and sshd every case then shares (reset in between).
describe("amazon-ebs fault matrix", async () => {
  const [moto, sshd] = await Promise.all([startMoto(), startSshd()]);
  const e: Env = { moto, sshd, work: mkdtempSync(join(tmpdir(), "kiln-ebs-faults-")) };
  const stopEnv = async () => {
    await Promise.all([moto.stop(), sshd.stop()]);
    rmSync(e.work, { recursive: true, force: true });
  };
  afterAll(stopEnv);
  const authorizedKeys = join(sshd.dir, "authorized_keys");
  const ownKeys = readFileSync(authorizedKeys, "utf8");
  /** Back to an empty account and an sshd knowing only its own key: where each case starts. */
  const resetEnv = async () => {
    await moto.reset();
    writeFileSync(authorizedKeys, ownKeys);
  };
  beforeEach(resetEnv);

  const baselines = [];
  try {
    for (const spot of [false, true]) {
      await resetEnv();
      baselines.push({ spot, base: await baseline(e, spot) });
    }
  } catch (error) {
    await stopEnv(); // a suite that fails to collect runs no hooks
    throw error;
  }

  for (const { spot, base } of baselines) {
    const name = spot ? "spot" : "on-demand";
    const faults = faultsOf(base);

    describe(name, () => {
      const outcomes = { absorbed: 0, failed: 0 }; // of the cases run (-t may pick some)
      afterAll(() => {
        console.log(
          `[fault matrix ${name}] ${faults.length} cases (${base.steps.length} steps × 4, ` +
            `${base.calls.length} API calls × 3); ${outcomes.absorbed} absorbed (build succeeded), ${outcomes.failed} failed as they should`,
        );
      });

      it("the fault-free build bakes the image in every region", () => {
        expect(base.artifact?.id).toMatch(/^eu-west-1:ami-\w+,us-east-1:ami-\w+,us-west-2:ami-\w+$/);
        expect(base.steps).toContain("amazon-ebs: temporary key pair");
      });

      // A loop, not it.each: its "$name" cuts titles at 40 characters, and the title must name the case.
      for (const fault of faults) {
        it(
          `${name}: ${label(fault)} leaves nothing`,
          async () => {
            const r = await runWithFault(e, spot, fault);
            if (r.outcome !== "wrong-error") outcomes[r.outcome]++;
            expect(r.outcome, `the build's error: ${String(r.error).slice(0, 400)}`).not.toBe("wrong-error");
            expect(r.leaked, `left ${JSON.stringify(r.left.byRegion)}`).toBe(0);
          },
          CASE_TIMEOUT_MS,
        );
      }
    });
  }
});
