import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { ImmutableFleet, type ImmutableFleetArgs } from "../../../constructs/pulumi/immutable-fleet";
import { KilnError } from "../../engine/errors";

/**
 * How each of the component's arguments may arrive from another language's program: `input` may be
 * another resource's output (an Output here); `object` is an object whose fields may be; `plain` must be
 * known when the program runs (the component plans with it: capacity, steps, durations). Typed against
 * ImmutableFleetArgs so a new argument fails the typecheck until it is listed, and a test holds
 * schema.json's ImmutableFleet inputs to these keys.
 */
export const FLEET_ARGS: { readonly [K in keyof Omit<ImmutableFleetArgs, "image">]-?: "input" | "object" | "plain" } = {
  imageId: "input",
  instanceType: "input",
  subnetIds: "input",
  securityGroupIds: "input",
  instanceProfile: "input",
  userData: "input",
  keyName: "input",
  tags: "object",
  capacity: "plain",
  requireImdsv2: "plain",
  healthCheckGracePeriod: "plain",
  listenerArn: "input",
  listenerRuleArn: "input",
  loadBalancer: "object",
  vpcId: "input",
  targetGroup: "plain",
  canarySteps: "plain",
  bakeTime: "plain",
  alarmNames: "object",
  healthCheckTimeout: "plain",
  minHealthyPercent: "plain",
  keepPrevious: "plain",
  region: "plain",
};

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
    const kind = FLEET_ARGS[key as keyof typeof FLEET_ARGS];
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
