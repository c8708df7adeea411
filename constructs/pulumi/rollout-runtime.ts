/**
 * The FleetRollout provider's implementation, loaded with `require` inside Pulumi's dynamic provider host
 * (see rollout-resource.ts). Create and update run the cutover; a new group is rolled out to, a kept
 * generation is deleted once superseded, and delete takes the fleet out of its listener.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { childSignal } from "../../provider/engine/abort";
import { fleetClients } from "../../provider/fleet/aws";
import { deleteGeneration, detachListener, type GenerationResources } from "../../provider/fleet/retire";
import { cutover, parseRolloutInput, type RolloutInput, steeredOf } from "../../provider/fleet/rollout";
import { interruptible } from "../../provider/pulumi/interrupt";

export interface FleetRolloutInputs {
  /** The rollout's JSON input for the new generation, without `previous` (taken from the last state). */
  readonly rollout: RolloutInput;
  /** The new generation's launch template, deleted with it when it is retired here. */
  readonly launchTemplateId?: string;
}

export interface FleetRolloutOutputs extends FleetRolloutInputs {
  /** The generation carrying the traffic. */
  readonly live: GenerationResources;
  /** The previous generation, scaled to zero and kept (`keepPrevious`); deleted when superseded. */
  readonly kept?: GenerationResources;
  /** Percent of traffic on the new group after each step of the last rollout. */
  readonly steps: readonly number[];
  readonly healthyInstances: readonly string[];
}

/** Bounds deleting and detaching; the cutover has its own health timeout and bake times. */
const RETIRE_TIMEOUT_MS = 15 * 60_000;
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
  const clients = fleetClients(settings.region, settings.endpoint);
  await interruptible(async (interrupted) => {
    const { signal, dispose } = childSignal(interrupted, RETIRE_TIMEOUT_MS, `fleet '${settings.fleet}' removal`);
    try {
      const steered = steeredOf(settings);
      // The target groups can only go once no listener forwards to them.
      if (steered) await detachListener(clients, steered, signal);
      // Kept generations were retained by the engine: this resource is the last to know of them.
      if (props.kept) await deleteGeneration(clients, props.kept, signal);
      if (settings.keepPrevious) await deleteGeneration(clients, props.live, signal);
    } finally {
      dispose();
      clients.destroy();
    }
  });
}

/** The engine's protobuf structs take no `undefined`: drop those keys. */
function plain<T>(outs: T): T {
  return JSON.parse(JSON.stringify(outs));
}

/** Rolls out to `inputs`' generation from the live one in `olds`, when it is a different group. */
async function roll(inputs: FleetRolloutInputs, olds: FleetRolloutOutputs | undefined): Promise<FleetRolloutOutputs> {
  const live = { ...inputs.rollout.target, launchTemplateId: inputs.launchTemplateId };
  if (olds && olds.live.group === live.group) return { ...olds, ...inputs, live };
  const previous = olds?.live;
  const settings = parseRolloutInput({
    ...inputs.rollout,
    previous: previous && { group: previous.group, targetGroupArn: previous.targetGroupArn },
  });
  const clients = fleetClients(settings.region, settings.endpoint);
  try {
    return await interruptible(async (signal) => {
      const result = await cutover(clients, settings, { signal, log });
      const superseded = olds?.kept;
      const kept = settings.keepPrevious ? previous : undefined;
      // Once the new generation carries everything: the older kept one goes; without keepPrevious the
      // previous one was retained only if keepPrevious was on when it was created, so it goes too.
      const { signal: retire, dispose } = childSignal(undefined, RETIRE_TIMEOUT_MS, `fleet '${settings.fleet}' retire`);
      try {
        if (superseded) await deleteGeneration(clients, superseded, retire);
        if (previous && !kept && olds?.rollout.keepPrevious) await deleteGeneration(clients, previous, retire);
      } finally {
        dispose();
      }
      return {
        ...inputs,
        live,
        kept,
        steps: result.steps.map((s) => s.newWeight),
        healthyInstances: [...result.healthyInstances],
      };
    });
  } finally {
    clients.destroy();
  }
}
