import { KilnError } from "./errors";
import type { Outcome, Step } from "./step";

/**
 * Steps that declare what they need from the builder's state and what they provide to later steps.
 * A step's `run` sees the state with its needs present (no `!`, no cast); a pipeline accepts a step only
 * after steps providing everything it needs, so wiring a step too early fails to compile. The runtime
 * check in `run` stays as a guard against state changed behind the types' back (a cleanup, say).
 */

/** `S` with the fields `K` present and non-null. */
export type Having<S, K extends keyof S> = S & { [P in K]-?: NonNullable<S[P]> };

/** A run object (`{ ctx, config, state }`) whose state has the fields `K`. */
export type RunHaving<R extends { readonly state: object }, K extends keyof R["state"]> = Omit<R, "state"> & {
  readonly state: Having<R["state"], K>;
};

type StateOf<R extends { readonly state: object }> = R["state"];

export interface TypedStep<
  R extends { readonly state: object },
  N extends keyof StateOf<R> = never,
  P extends keyof StateOf<R> = never,
> {
  readonly name: string;
  /** Fields of the state this step reads in `run`; they must be provided by an earlier step. */
  readonly needs: readonly N[];
  /**
   * Fields this step always sets when `run` succeeds. A field some configs leave unset is a type that
   * says so (a union with a "none" case), set either way, so no later step guesses from `undefined`.
   */
  readonly provides: readonly P[];
  run(run: RunHaving<R, N>, signal: AbortSignal): Promise<void>;
  /** Sees the partial state: a cleanup runs after a failure, when later fields may be missing. */
  cleanup?(run: R, outcome: Outcome): Promise<void>;
}

/** A step ran before the one that provides what it needs: a wiring bug, named by step and field. */
export class MissingStateError extends KilnError {
  constructor(step: string, field: string) {
    super("STEP_ORDER", `${step} needs ${field}, which no earlier step provided`, { context: { step } });
  }
}

/** A step finished without setting a field it declares in `provides`: a bug in that step. */
export class UnprovidedStateError extends KilnError {
  constructor(step: string, field: string) {
    super("STEP_CONTRACT", `${step} finished without setting ${field}, which it provides`, { context: { step } });
  }
}

/**
 * An ordered list of typed steps. `Have` is the set of state fields present at the end so far; `step`
 * refuses (at compile time) a step that needs a field not in it.
 */
export class StepPipeline<R extends { readonly state: object }, Have extends keyof StateOf<R>> {
  private constructor(private readonly list: readonly Step<R>[]) {}

  /** A pipeline starting from a state whose fields `Initial` are set when it is made (`newState`). */
  static from<R extends { readonly state: object }, Initial extends keyof StateOf<R> = never>(): StepPipeline<
    R,
    Initial
  > {
    return new StepPipeline<R, Initial>([]);
  }

  step<N extends Have, P extends keyof StateOf<R>>(step: TypedStep<R, N, P>): StepPipeline<R, Have | P> {
    return new StepPipeline<R, Have | P>([...this.list, untyped(step)]);
  }

  /** The steps, for `runSteps`. */
  get steps(): Step<R>[] {
    return [...this.list];
  }

  /** A second pipeline continuing from this one's fields (capture steps after setup steps). */
  continued(): StepPipeline<R, Have> {
    return new StepPipeline<R, Have>([]);
  }
}

function untyped<R extends { readonly state: object }, N extends keyof StateOf<R>, P extends keyof StateOf<R>>(
  step: TypedStep<R, N, P>,
): Step<R> {
  return {
    name: step.name,
    run: async (run, signal) => {
      const state = run.state as Record<PropertyKey, unknown>;
      const missing = (field: PropertyKey) => state[field] === undefined || state[field] === null;
      for (const field of step.needs) {
        if (missing(field)) throw new MissingStateError(step.name, String(field));
      }
      // Checked just above: every field in `needs` is present.
      await step.run(run as unknown as RunHaving<R, N>, signal);
      for (const field of step.provides) {
        if (missing(field)) throw new UnprovidedStateError(step.name, String(field));
      }
    },
    cleanup: step.cleanup && ((run, outcome) => step.cleanup?.(run, outcome) ?? Promise.resolve()),
  };
}
