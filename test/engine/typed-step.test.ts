import { describe, expect, it } from "vitest";
import {
  MissingStateError,
  StepPipeline,
  type TypedStep,
  UnprovidedStateError,
} from "../../provider/engine/typed-step";

// The pipeline's compile-time check is proven by `tsc` (make typecheck): each `@ts-expect-error` below
// fails the typecheck if the pipeline ever accepts the misordered step. The runtime guard is tested here.

interface State {
  readonly log: string[];
  instanceId?: string;
  imageId?: string;
}
type Run = { readonly state: State };

const launch: TypedStep<Run, never, "instanceId"> = {
  name: "launch",
  needs: [],
  provides: ["instanceId"],
  async run({ state }) {
    state.instanceId = "i-1";
    state.log.push("launch");
  },
};
const capture: TypedStep<Run, "instanceId", "imageId"> = {
  name: "capture",
  needs: ["instanceId"],
  provides: ["imageId"],
  async run({ state }) {
    // No `!`, no cast: the pipeline guarantees the field.
    state.imageId = `ami-of-${state.instanceId.slice(2)}`;
    state.log.push("capture");
  },
};

describe("typed steps", () => {
  it("a pipeline in order runs, each step seeing what earlier ones provided", async () => {
    const steps = StepPipeline.from<Run, "log">().step(launch).step(capture).steps;
    const state: State = { log: [] };
    for (const step of steps) await step.run({ state }, new AbortController().signal);
    expect(state).toEqual({ log: ["launch", "capture"], instanceId: "i-1", imageId: "ami-of-1" });
  });

  it("a step needing what no earlier step provides does not compile", () => {
    // @ts-expect-error "instanceId" is not provided before capture
    const wrong = StepPipeline.from<Run, "log">().step(capture);
    // A continued pipeline keeps what the first one provided.
    const setup = StepPipeline.from<Run, "log">().step(launch);
    const later = setup.continued().step(capture);
    expect(wrong.steps).toHaveLength(1);
    expect(later.steps.map((s) => s.name)).toEqual(["capture"]);
  });

  it("at run time, a missing need is a MissingStateError naming step and field (STEP_ORDER)", async () => {
    // @ts-expect-error deliberately misordered, to reach the runtime guard
    const [step] = StepPipeline.from<Run, "log">().step(capture).steps;
    const error = await step?.run({ state: { log: [] } }, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingStateError);
    expect(error).toMatchObject({
      code: "STEP_ORDER",
      message: "capture needs instanceId, which no earlier step provided",
    });
  });

  it("a step that finishes without a field it provides is an UnprovidedStateError (STEP_CONTRACT)", async () => {
    const forgetful: TypedStep<Run, never, "instanceId"> = { ...launch, name: "forgetful", async run() {} };
    const [step] = StepPipeline.from<Run, "log">().step(forgetful).steps;
    const error = await step?.run({ state: { log: [] } }, new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprovidedStateError);
    expect(error).toMatchObject({
      code: "STEP_CONTRACT",
      message: "forgetful finished without setting instanceId, which it provides",
    });
  });
});
