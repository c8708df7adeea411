/**
 * The FleetSlots provider's implementation, loaded inside Pulumi's dynamic provider host (see
 * fleet-slots.ts). It makes no cloud call: `check` places the declared generation in a slot with
 * `planSlots`, from the slots its last state recorded. The placement is thus part of the checked inputs,
 * which a provider without preview support hands back as its outputs at preview: the slot names a preview
 * shows are those the update will use (when the key is known).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { planSlots, type SlotMove, type SlotState } from "../../provider/fleet/plan";

export interface FleetSlotsInputs {
  /** Name shown in messages, e.g. the component's name. */
  readonly fleet: string;
  /** Generation key of the launch settings declared now (`generationKey(launchFingerprint(spec))`). */
  readonly key: string;
}

export interface FleetSlotsState extends FleetSlotsInputs, SlotState {
  readonly move: SlotMove;
}

const PLACEMENT = ["key", "keys", "live"] as const;

export async function check(olds: Partial<FleetSlotsState>, news: FleetSlotsInputs): Promise<dynamic.CheckResult> {
  if (typeof news.key !== "string" || news.key.trim() === "") {
    return { failures: [{ property: "key", reason: "the generation key is empty" }] };
  }
  const previous = Array.isArray(olds.keys) && (olds.live === 0 || olds.live === 1) ? (olds as SlotState) : undefined;
  const { state, move } = planSlots(previous && { keys: previous.keys, live: previous.live }, news.key);
  const inputs: FleetSlotsState = { fleet: news.fleet, key: news.key, keys: state.keys, live: state.live, move };
  return { inputs };
}

export async function diff(_id: string, olds: FleetSlotsState, news: FleetSlotsState): Promise<dynamic.DiffResult> {
  const changed = PLACEMENT.some((field) => JSON.stringify(olds[field]) !== JSON.stringify(news[field]));
  // Never replaced: the slots are the fleet's memory of which generation is where.
  return { changes: changed || olds.fleet !== news.fleet, replaces: [], deleteBeforeReplace: false };
}

export async function create(inputs: FleetSlotsState): Promise<dynamic.CreateResult> {
  return { id: `${inputs.fleet}-slots`, outs: outputs(inputs) };
}

export async function update(
  _id: string,
  _olds: FleetSlotsState,
  news: FleetSlotsState,
): Promise<dynamic.UpdateResult> {
  return { outs: outputs(news) };
}

function outputs(state: FleetSlotsState): FleetSlotsState {
  const { fleet, key, keys, live, move } = state;
  return { fleet, key, keys, live, move };
}
