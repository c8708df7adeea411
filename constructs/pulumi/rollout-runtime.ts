/**
 * The FleetRollout provider's implementation, loaded with `require` inside Pulumi's dynamic provider host
 * (see rollout-resource.ts). Create and update run the cutover when the target group changes; delete
 * takes the fleet out of its listener. Every generation is a resource in the Pulumi program (with
 * `keepPrevious`, in one of two slots): this resource deletes none, it only steers traffic and capacity.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { childSignal } from "../../provider/engine/abort";
import { type FleetClients, fleetClients, setCapacity } from "../../provider/fleet/aws";
import { detachListener, type GenerationResources } from "../../provider/fleet/retire";
import {
  cutover,
  parseRolloutInput,
  type RolloutInput,
  type RolloutSettings,
  steeredOf,
} from "../../provider/fleet/rollout";
import { interruptible } from "../../provider/pulumi/interrupt";

export interface FleetRolloutInputs {
  /** The rollout's JSON input for the new generation, without `previous` (taken from the last state). */
  readonly rollout: RolloutInput;
  /** The new generation's launch template (reported in `live`). */
  readonly launchTemplateId?: string;
}

export interface FleetRolloutOutputs extends FleetRolloutInputs {
  /** The generation carrying the traffic. */
  readonly live: GenerationResources;
  /** The previous generation, scaled to zero and kept in its slot (`keepPrevious`). */
  readonly kept?: GenerationResources;
  /** Percent of traffic on the new group after each step of the last rollout. */
  readonly steps: readonly number[];
  readonly healthyInstances: readonly string[];
}

/** Bounds detaching and capacity changes; the cutover has its own health timeout and bake times. */
const CALLS_TIMEOUT_MS = 15 * 60_000;
const log = (line: string) => process.stderr.write(`[kiln] ${line}\n`);

export async function diff(
  _id: string,
  olds: FleetRolloutOutputs,
  news: FleetRolloutInputs,
): Promise<dynamic.DiffResult> {
  const changed = (Object.keys(news) as (keyof FleetRolloutInputs)[]).filter(
    (key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
  );
  // Never replaced: the rollout is one long-lived record of which generation is live.
  return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
}

export async function create(inputs: FleetRolloutInputs): Promise<dynamic.CreateResult> {
  const outs = await roll(inputs, undefined);
  return { id: `${inputs.rollout.fleet}-rollout`, outs: plain(outs) };
}

export async function update(
  _id: string,
  olds: FleetRolloutOutputs,
  news: FleetRolloutInputs,
): Promise<dynamic.UpdateResult> {
  return { outs: plain(await roll(news, olds)) };
}

export async function remove(_id: string, props: FleetRolloutOutputs): Promise<void> {
  const settings = parseRolloutInput(props.rollout);
  const steered = steeredOf(settings);
  // The target groups can only go once no listener forwards to them; the engine deletes the rest.
  if (!steered) return;
  await withClients(settings, "removal", (clients, signal) => detachListener(clients, steered, signal));
}

/** The engine's protobuf structs take no `undefined`: drop those keys. */
function plain<T>(outs: T): T {
  return JSON.parse(JSON.stringify(outs));
}

/** Runs `action` with clients and a signal bounded by CALLS_TIMEOUT_MS that also fires on interrupt. */
async function withClients<T>(
  settings: RolloutSettings,
  what: string,
  action: (clients: FleetClients, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const clients = fleetClients(settings.region, settings.endpoint);
  try {
    return await interruptible(async (interrupted) => {
      const { signal, dispose } = childSignal(interrupted, CALLS_TIMEOUT_MS, `fleet '${settings.fleet}' ${what}`);
      try {
        return await action(clients, signal);
      } finally {
        dispose();
      }
    });
  } finally {
    clients.destroy();
  }
}

/**
 * Rolls out to `inputs`' generation from the live one in `olds`, when it is a different group. The same
 * group with a new capacity under `keepPrevious` gets it here: slot groups ignore capacity changes, as the
 * rollout scales them (kept ones to zero, the one switched back to up to capacity).
 */
async function roll(inputs: FleetRolloutInputs, olds: FleetRolloutOutputs | undefined): Promise<FleetRolloutOutputs> {
  const live = { ...inputs.rollout.target, launchTemplateId: inputs.launchTemplateId };
  if (olds && olds.live.group === live.group) {
    const capacity = inputs.rollout.capacity;
    if (inputs.rollout.keepPrevious && JSON.stringify(olds.rollout.capacity) !== JSON.stringify(capacity)) {
      const settings = parseRolloutInput(inputs.rollout);
      await withClients(settings, "capacity", (clients, signal) => setCapacity(clients, live.group, capacity, signal));
      log(`fleet '${settings.fleet}': ${live.group} set to ${capacity.min}/${capacity.desired}/${capacity.max}`);
    }
    return { ...olds, ...inputs, live };
  }
  const previous = olds?.live;
  const settings = parseRolloutInput({
    ...inputs.rollout,
    previous: previous && { group: previous.group, targetGroupArn: previous.targetGroupArn },
  });
  const clients = fleetClients(settings.region, settings.endpoint);
  try {
    const result = await interruptible((signal) => cutover(clients, settings, { signal, log }));
    return {
      ...inputs,
      live,
      kept: settings.keepPrevious ? previous : undefined,
      steps: result.steps.map((s) => s.newWeight),
      healthyInstances: [...result.healthyInstances],
    };
  } finally {
    clients.destroy();
  }
}
