import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { RolloutInput } from "../../provider/fleet/input-types";
import { loadRuntime, runtimeLocation } from "../../provider/pulumi/runtime-loader";
import type * as Runtime from "./rollout-runtime";

/** The FleetRollout implementation (rollout-runtime.ts), loaded in the provider host. */
const RUNTIME = runtimeLocation(__dirname, "rollout-runtime", "kiln/pulumi/fleet-runtime");
const runtime = () => loadRuntime<typeof Runtime>(RUNTIME);

export const fleetRolloutProvider: dynamic.ResourceProvider = {
  diff: (id, olds, news) => runtime().diff(id, olds, news),
  create: (inputs) => runtime().create(inputs),
  update: (id, olds, news) => runtime().update(id, olds, news),
  delete: (id, props) => runtime().remove(id, props),
};

/** A plain JSON shape whose every value may also be an Input. */
type DeepInput<T> = T extends (infer U)[]
  ? pulumi.Input<DeepInput<U>[]>
  : T extends object
    ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
    : pulumi.Input<T>;

export interface FleetRolloutArgs {
  /** The cutover's settings for the new generation, as `kiln fleet rollout` takes them (JSON). */
  readonly rollout: DeepInput<RolloutInput>;
  /** The generation's launch template, reported in `live`. */
  readonly launchTemplateId?: pulumi.Input<string>;
}

/**
 * The blue/green cutover as a Pulumi resource: each time its `rollout.target` names a new group, its
 * update waits for that group to be healthy, moves the listener's weights to it step by step (bake and
 * alarm watch between), and rolls back if anything fails or the update is cancelled. `ImmutableFleet`
 * creates one; use it directly to steer groups made by other means.
 */
export class FleetRollout extends pulumi.dynamic.Resource {
  /** The generation now live: group, target group, launch template. */
  declare readonly live: pulumi.Output<{ group: string; targetGroupArn?: string; launchTemplateId?: string }>;
  /** The previous generation, kept scaled to zero in its slot (`keepPrevious`). */
  declare readonly kept: pulumi.Output<{ group: string; targetGroupArn?: string } | undefined>;
  /** Percent of traffic on the new group after each step of the last rollout. */
  declare readonly steps: pulumi.Output<number[]>;
  declare readonly healthyInstances: pulumi.Output<string[]>;

  constructor(name: string, args: FleetRolloutArgs, opts: pulumi.CustomResourceOptions = {}) {
    const props = { ...args, live: undefined, kept: undefined, steps: undefined, healthyInstances: undefined };
    super(fleetRolloutProvider, name, props, opts, "kiln", "FleetRollout");
  }
}
