import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { SlotMove } from "../../provider/fleet/plan";
import { loadRuntime, runtimeLocation } from "../../provider/pulumi/runtime-loader";
import type * as Runtime from "./slots-runtime";

/** The FleetSlots implementation (slots-runtime.ts), loaded in the provider host. */
const RUNTIME = runtimeLocation(__dirname, "slots-runtime", "kiln/pulumi/fleet-slots-runtime");
const runtime = () => loadRuntime<typeof Runtime>(RUNTIME);

export const fleetSlotsProvider: dynamic.ResourceProvider = {
  check: (olds, news) => runtime().check(olds, news),
  diff: (id, olds, news) => runtime().diff(id, olds, news),
  create: (inputs) => runtime().create(inputs),
  update: (id, olds, news) => runtime().update(id, olds, news),
};

export interface FleetSlotsArgs {
  readonly fleet: string;
  /** Generation key of the launch settings declared now. */
  readonly key: pulumi.Input<string>;
}

/**
 * Which generation each of a `keepPrevious` fleet's two slots holds, and which slot is live: the fleet's
 * memory between deploys (a Pulumi program cannot read its last state). A new generation goes into the
 * kept slot, replacing what was kept there; the generation that was live is kept in its turn; declaring
 * the kept generation again switches back to its slot with no new resources. Pure: no cloud calls.
 */
export class FleetSlots extends pulumi.dynamic.Resource {
  /** Generation key held by each slot. */
  declare readonly keys: pulumi.Output<[string, string]>;
  /** The slot meant to carry the traffic. */
  declare readonly live: pulumi.Output<0 | 1>;
  /** What this deploy did to the slots (`planSlots`). */
  declare readonly move: pulumi.Output<SlotMove>;

  constructor(name: string, args: FleetSlotsArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      fleetSlotsProvider,
      name,
      { ...args, keys: undefined, live: undefined, move: undefined },
      opts,
      "kiln",
      "FleetSlots",
    );
  }
}
