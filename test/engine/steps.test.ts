import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sleep } from "../../provider/engine/abort";
import { CancelledError, CleanupError, StepError } from "../../provider/engine/errors";
import { type BuildEvent, buildReporter } from "../../provider/engine/events";
import { runSteps, type Step } from "../../provider/engine/step";

// Steps that really create and delete files, so "nothing left behind" is checked on disk.
interface State {
  dir: string;
  created: string[];
}

function fileStep(name: string, behaviour: "ok" | "fail" | "hang" = "ok"): Step<State> {
  return {
    name,
    where: { file: "t.pkr.hcl", line: 7 },
    async run(state, signal) {
      const path = join(state.dir, name);
      writeFileSync(path, name);
      state.created.push(path);
      if (behaviour === "fail") throw new Error(`${name} exploded`);
      if (behaviour === "hang") await sleep(60_000, signal);
    },
    async cleanup(state) {
      rmSync(join(state.dir, name), { force: true });
    },
  };
}

describe("runSteps", () => {
  let state: State;
  let events: BuildEvent[];
  const reporter = () =>
    buildReporter(
      "null.test",
      (e) => events.push(e),
      (t) => t,
    );

  beforeEach(() => {
    state = { dir: mkdtempSync(join(tmpdir(), "kiln-steps-")), created: [] };
    events = [];
  });
  afterEach(() => rmSync(state.dir, { recursive: true, force: true }));

  it("runs steps in order and cleans up in reverse", async () => {
    await runSteps([fileStep("a"), fileStep("b"), fileStep("c")], state, {
      signal: new AbortController().signal,
      reporter: reporter(),
    });
    const order = events
      .filter((e) => e.type === "step-started" || e.type === "cleanup-started")
      .map((e) => `${e.type}:${"step" in e ? e.step : ""}`);
    expect(order).toEqual([
      "step-started:a",
      "step-started:b",
      "step-started:c",
      "cleanup-started:c",
      "cleanup-started:b",
      "cleanup-started:a",
    ]);
    expect(state.created.filter(existsSync)).toEqual([]);
  });

  it("stops at a failing step, undoes what ran, and names build, step and line", async () => {
    const run = runSteps([fileStep("a"), fileStep("b", "fail"), fileStep("c")], state, {
      signal: new AbortController().signal,
      reporter: reporter(),
    });
    await expect(run).rejects.toThrow(StepError);
    await expect(run).rejects.toThrow("build 'null.test': step 'b' (t.pkr.hcl:7) failed: b exploded");
    expect(state.created.map((p) => p.slice(-1))).toEqual(["a", "b"]);
    expect(state.created.filter(existsSync)).toEqual([]);
  });

  it("cancellation reaches a waiting step and everything is cleaned up", async () => {
    const controller = new AbortController();
    const run = runSteps([fileStep("a"), fileStep("b", "hang"), fileStep("c")], state, {
      signal: controller.signal,
      reporter: reporter(),
    });
    setTimeout(() => controller.abort(new CancelledError("interrupted")), 50);
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepError);
    expect((error as StepError).code).toBe("CANCELLED");
    expect(state.created.filter(existsSync)).toEqual([]);
  });

  it("on-error=abort leaves resources in place and says which", async () => {
    const run = runSteps([fileStep("a"), fileStep("b", "fail")], state, {
      signal: new AbortController().signal,
      reporter: reporter(),
      onError: "abort",
    });
    await expect(run).rejects.toThrow(StepError);
    expect(state.created.filter(existsSync)).toHaveLength(2);
    const warning = events.find((e) => e.type === "message" && e.level === "warn");
    expect(warning && "text" in warning && warning.text).toContain("skipping cleanup of a, b");
  });

  it("run-cleanup-provisioner runs the failure hook, then leaves resources", async () => {
    const seen: string[] = [];
    const run = runSteps([fileStep("a"), fileStep("b", "fail")], state, {
      signal: new AbortController().signal,
      reporter: reporter(),
      onError: "run-cleanup-provisioner",
      onFailure: async (_s, error) => {
        seen.push(error.step);
      },
    });
    await expect(run).rejects.toThrow(StepError);
    expect(seen).toEqual(["b"]);
    expect(state.created.filter(existsSync)).toHaveLength(2);
  });

  it("a failing cleanup is reported with the build error, and other cleanups still run", async () => {
    const broken: Step<State> = { ...fileStep("b"), cleanup: async () => Promise.reject(new Error("rm refused")) };
    const run = runSteps([fileStep("a"), broken, fileStep("c", "fail")], state, {
      signal: new AbortController().signal,
      reporter: reporter(),
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CleanupError);
    expect((error as CleanupError).message).toContain("b: rm refused");
    expect((error as CleanupError).message).toContain("c exploded");
    expect(existsSync(join(state.dir, "a"))).toBe(false);
    expect(existsSync(join(state.dir, "c"))).toBe(false);
    expect(existsSync(join(state.dir, "b"))).toBe(true);
  });
});
