import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { ImmutableFleet, type ImmutableFleetArgs } from "../../../constructs/pulumi/immutable-fleet";
import { KilnError } from "../../engine/errors";
import { PULUMI_FLEET_ARGS, type PulumiArgKind } from "../../fleet/settings";

/**
 * How each of the component's arguments may arrive from another language's program, from the fleet's
 * settings (provider/fleet/settings.ts): `input` may be another resource's output (an Output here);
 * `object` is an object whose fields may be; `plain` must be known when the program runs (the component
 * plans with it: capacity, steps, durations). schema.json's ImmutableFleet inputs are the same settings.
 */
export const FLEET_ARGS: Readonly<Record<string, PulumiArgKind>> = PULUMI_FLEET_ARGS;

function containsOutput(value: unknown): boolean {
  if (pulumi.Output.isInstance(value)) return true;
  if (Array.isArray(value)) return value.some(containsOutput);
  if (value && typeof value === "object") return Object.values(value).some(containsOutput);
  return false;
}

/**
 * The construct call's inputs (as the provider server deserializes them: plain values, Outputs where
 * they depend on resources or are secret) as the component's arguments, or an error naming each
 * argument that cannot be taken, before anything registers.
 */
export function fleetArgs(name: string, inputs: pulumi.Inputs): ImmutableFleetArgs {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    const kind = Object.hasOwn(FLEET_ARGS, key) ? FLEET_ARGS[key] : undefined;
    if (value === undefined) continue;
    if (!kind) problems.push(`[${key}] is not an argument of ImmutableFleet`);
    else if (kind === "plain" ? containsOutput(value) : kind === "object" && pulumi.Output.isInstance(value))
      problems.push(
        `[${key}] must be known when the program runs (a literal or configuration value), not another resource's output or a secret`,
      );
  }
  if (problems.length) {
    throw new KilnError("ARGS_INVALID", `ImmutableFleet '${name}': ${problems.join("; ")}`, {
      context: { resource: name },
    });
  }
  return inputs as ImmutableFleetArgs;
}

/** `construct` for kiln:index:ImmutableFleet: the TypeScript component itself, under the engine's options. */
export async function constructFleet(
  name: string,
  inputs: pulumi.Inputs,
  options: pulumi.ComponentResourceOptions,
): Promise<provider.ConstructResult> {
  const fleet = new ImmutableFleet(name, fleetArgs(name, inputs), options);
  return { urn: fleet.urn, state: { imageId: fleet.imageId, groupName: fleet.groupName } };
}
