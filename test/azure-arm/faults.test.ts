import { describe, expect, it } from "vitest";
import { azureCaptureSteps, azureSetupSteps } from "../../provider/builders/azure-arm/runtime";
import type { Artifact } from "../../provider/engine/artifact";
import { BuildFailedError } from "../../provider/engine/build";
import { CleanupError, isCancellation } from "../../provider/engine/errors";
import { build, destroyArtifact } from "../../provider/kiln";
import type { BuildSpec } from "../../provider/spec/types";
import { type ArmCall, nothingLeft, SEEDED } from "../fixtures/azure-arm";
import { type AzureEnv, azureConfig, leftoverTotal, useAzureEnv } from "./harness";

const env = useAzureEnv();

type Mode = "temporary group" | "existing group";

/**
 * The richest build: temporary network, public IP, NIC and VM, a managed image and a gallery image version
 * replicated to a second region. "existing group" builds in `build_resource_group_name`, where every
 * temporary resource must be deleted by its own step (no group deletion sweeps it away).
 */
function matrixSpec(e: AzureEnv, mode: Mode): BuildSpec {
  const { location: _l, ...base } = azureConfig(e);
  return {
    baseDir: e.work,
    sources: [
      {
        type: "azure-arm",
        name: "matrix",
        config: {
          ...base,
          ...(mode === "existing group" ? { build_resource_group_name: SEEDED.networkGroup } : { location: "East US" }),
          shared_image_gallery_destination: {
            resource_group: SEEDED.imagesGroup,
            gallery_name: SEEDED.gallery,
            image_name: SEEDED.galleryImage,
            image_version: "1.0.0",
            replication_regions: ["West US"],
          },
        },
      },
    ],
    // No provisioner: its step is the engine's (amazon-ebs's matrix covers it) and costs 1.6 s a build.
    provisioners: [],
  };
}

/** Every step of the pipeline, by name, in order. */
const STEPS = [...azureSetupSteps().map((s) => s.name), "connect", ...azureCaptureSteps().map((s) => s.name)];

/** ARM calls before cleanup; `op#n` is the n-th call of that op. The first test checks they are still exact. */
/** Entra ID: the lookup for findExisting's clients, then the build's (once per token cache: plain and CAE). */
const token = (n: number) => [`GET openid-configuration#${n}`, `POST token#${n}`];
function expectedCalls(mode: Mode): string[] {
  const group =
    mode === "temporary group"
      ? ["HEAD resourceGroups#1", "GET images#1", "GET versions#1", "HEAD resourceGroups#2", "PUT resourceGroups#1"]
      : ["HEAD resourceGroups#1", "GET images#1", "GET versions#1", "GET resourceGroups#1"];
  const lro = (put: string, n: number, get: string) => [put, `GET operation#${n}`, `GET operation#${n + 1}`, get];
  return [
    ...token(1),
    "GET resources#1",
    ...token(2),
    ...token(3),
    ...group,
    "GET vmimage#1",
    ...lro("PUT virtualNetworks#1", 1, "GET virtualNetworks#1"),
    ...lro("PUT publicIPAddresses#1", 3, "GET publicIPAddresses#1"),
    ...lro("PUT networkInterfaces#1", 5, "GET networkInterfaces#1"),
    ...lro("PUT virtualMachines#1", 7, "GET virtualMachines#1"),
    "GET publicIPAddresses#2",
    ...lro("POST virtualMachines/deallocate#1", 9, "GET operation-result#1"),
    "POST virtualMachines/generalize#1",
    ...lro("PUT images#1", 11, "GET images#2"),
    ...lro("PUT versions#1", 13, "GET versions#2"),
    "PATCH tags#1",
    "PATCH tags#2",
  ];
}

type Fault =
  | { kind: "step-error" | "step-cancel"; step: string; phase: "before" | "after" }
  /**
   * call-fail: ARM refuses (nothing done); call-lost: ARM does it but the reply is an error; call-cancel:
   * the reply never comes and the build is cancelled meanwhile; call-delay: the reply comes late.
   */
  | { kind: "call-fail" | "call-lost" | "call-cancel" | "call-delay"; call: string };

const label = (f: Fault) => ("step" in f ? `${f.kind} ${f.phase} '${f.step}'` : `${f.kind} at ${f.call}`);

function faultsFor(mode: Mode): Fault[] {
  const kinds =
    mode === "existing group"
      ? (["call-fail", "call-lost", "call-cancel", "call-delay"] as const)
      : (["call-fail", "call-lost", "call-cancel"] as const);
  return [
    ...STEPS.flatMap((step) =>
      (["step-error", "step-cancel"] as const).flatMap((kind) =>
        (["before", "after"] as const).map((phase) => ({ kind, step, phase })),
      ),
    ),
    ...expectedCalls(mode).flatMap((call) => kinds.map((kind) => ({ kind, call }))),
  ];
}

const injected = () => Object.assign(new Error("injected fault"), { name: "InjectedFault" });

/** Runs one build with one fault; says how it ended and what it left in the double. */
async function runWithFault(e: AzureEnv, mode: Mode, fault: Fault) {
  const controller = new AbortController();
  const counts = new Map<string, number>();
  let hit = false;
  e.arm.onCall((call: ArmCall) => {
    const n = (counts.get(call.op) ?? 0) + 1;
    counts.set(call.op, n);
    if (!("call" in fault) || fault.call !== `${call.op}#${n}` || hit) return undefined;
    hit = true;
    switch (fault.kind) {
      case "call-fail":
        return { kind: "fail" };
      case "call-lost":
        return { kind: "lost" };
      case "call-delay":
        return { kind: "delay", ms: 300 };
      case "call-cancel":
        setTimeout(() => controller.abort(), 20);
        return { kind: "hold" };
    }
  });
  let error: unknown;
  let artifact: Artifact | undefined;
  try {
    const result = await build(matrixSpec(e, mode), {
      signal: controller.signal,
      onStep: (_b, step, phase) => {
        if (!("step" in fault) || fault.step !== step || fault.phase !== phase) return;
        hit = true;
        if (fault.kind === "step-error") throw injected();
        controller.abort();
      },
    });
    artifact = result.artifacts[0];
  } catch (err) {
    error = err instanceof BuildFailedError ? err.builds[0]?.error : err;
  } finally {
    e.arm.onCall(undefined);
  }
  return { hit, error, artifact, left: e.arm.leftovers() };
}

describe.each(["temporary group", "existing group"] as const)("azure-arm fault matrix, %s", (mode) => {
  it("a clean build makes exactly the ARM calls the matrix injects faults into, and leaves only its images", async () => {
    const e = env();
    let cleaning = false;
    const calls: string[] = [];
    const counts = new Map<string, number>();
    e.arm.onCall((call) => {
      const n = (counts.get(call.op) ?? 0) + 1;
      counts.set(call.op, n);
      if (!cleaning) calls.push(`${call.op}#${n}`);
      return undefined;
    });
    const result = await build(matrixSpec(e, mode), {
      onEvent: (ev) => {
        if (ev.type === "cleanup-started") cleaning = true;
      },
    });
    expect(calls).toEqual(expectedCalls(mode));
    const left = e.arm.leftovers();
    expect(left.images).toHaveLength(1);
    expect(left.galleryImageVersions).toEqual(["1.0.0"]);
    expect(leftoverTotal(left)).toBe(2);
    await destroyArtifact(result.artifacts[0] as Artifact);
    expect(leftoverTotal(e.arm.leftovers())).toBe(0);
  });

  it.each(faultsFor(mode).map((f) => [label(f), f] as const))("%s leaves nothing", async (_name, fault) => {
    const e = env();
    const r = await runWithFault(e, mode, fault);
    expect(r.hit, "the fault was injected").toBe(true);
    if (r.artifact) {
      // Absorbed (a late reply): the build succeeded, and exactly its images remain until destroyed.
      expect(fault.kind).toBe("call-delay");
      expect(r.left.images).toHaveLength(1);
      expect(r.left.galleryImageVersions).toHaveLength(1);
      expect(leftoverTotal(r.left)).toBe(2);
      await destroyArtifact(r.artifact);
      expect(leftoverTotal(e.arm.leftovers())).toBe(0);
      return;
    }
    expect(r.error).not.toBeInstanceOf(CleanupError);
    if (fault.kind.endsWith("cancel")) expect(isCancellation(r.error), String(r.error)).toBe(true);
    else {
      // The failure itself, not a cancellation. (Its text varies: a HEAD reply has no body, and Entra ID's
      // client words token failures its own way.)
      expect(r.error).toBeInstanceOf(Error);
      expect(isCancellation(r.error), String(r.error)).toBe(false);
      if (fault.kind === "step-error") expect(String((r.error as Error).message)).toMatch(/injected fault/);
    }
    expect(r.left).toEqual(nothingLeft());
  });
});
