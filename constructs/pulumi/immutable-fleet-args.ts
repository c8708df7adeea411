/**
 * `ImmutableFleet`'s arguments and their eager validation. The settings, their docs and `@default`s and
 * their value checks are described once in provider/fleet/settings.ts, for this component, the CDKTF
 * construct and the plugin's schema; the argument types are generated from it (`make generate`).
 */
import type * as pulumi from "@pulumi/pulumi";
import { FLEET_DEFAULTS, settingProblems } from "../../provider/fleet/settings";
import type { FleetCapacity, FleetSettingsArgs } from "../../provider/generated/fleet-args";
import type { BakedImage } from "../../provider/pulumi/baked-image";

export type { FleetCapacity, FleetLoadBalancer, FleetTargetGroup } from "../../provider/generated/fleet-args";

export interface ImmutableFleetArgs extends FleetSettingsArgs {
  /** A Kiln `BakedImage` the instances boot from. @default - `imageId` */
  readonly image?: BakedImage;
}

/** What validation settles: plain numbers the rollout needs. */
export interface ResolvedCapacity {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
}

const plain = <T>(value: pulumi.Input<T> | undefined): value is T =>
  value !== undefined && !(typeof value === "object" && value !== null && ("apply" in value || "then" in value));

/**
 * Checks the args before any resource is registered, naming each in brackets; values not yet known
 * (Outputs) are left to the cloud. Returns the capacity with its defaults.
 */
export function validateFleetArgs(name: string, args: ImmutableFleetArgs, configuredRegion?: string): ResolvedCapacity {
  const problems: string[] = [];
  const say = (problem: string) => problems.push(problem);
  if ((args.imageId === undefined) === (args.image === undefined)) say("give exactly one of [imageId] and [image]");
  // Each setting's own checks (an AMI ID, durations, percentages, steps…), for the values known already.
  for (const { setting, reason } of settingProblems(args, (v) => v !== undefined && !plain(v))) {
    say(`[${setting}] ${reason}`);
  }
  if (args.instanceType === undefined || (plain(args.instanceType) && args.instanceType.trim() === "")) {
    say("[instanceType] is required");
  }
  if (args.subnetIds === undefined || (plain(args.subnetIds) && args.subnetIds.length === 0))
    say("[subnetIds] needs at least one subnet");
  const steering = [
    args.listenerArn && "listenerArn",
    args.listenerRuleArn && "listenerRuleArn",
    args.loadBalancer && "loadBalancer",
  ].filter(Boolean);
  if (steering.length > 1)
    say(`give at most one of [listenerArn], [listenerRuleArn] and [loadBalancer], not ${steering.join(" and ")}`);
  if ((args.listenerArn || args.listenerRuleArn) && args.vpcId === undefined)
    say("[vpcId] is required with an existing listener: the target groups are made in it");
  const balanced = steering.length > 0;
  if (!balanced && args.canarySteps?.length)
    say("[canarySteps] need a load balancer: give [listenerArn], [listenerRuleArn] or [loadBalancer]");
  if (!args.region && !configuredRegion) say("[region] is required: set it or the `aws:region` configuration");
  const capacity = resolveCapacity(args.capacity ?? {});
  const counts = Object.entries(capacity).filter(([, n]) => !Number.isInteger(n) || n < 0);
  for (const [key, n] of counts) say(`[capacity.${key}] ${n} is not a whole number ≥ 0`);
  if (counts.length === 0 && !(capacity.min <= capacity.desired && capacity.desired <= capacity.max)) {
    say(`[capacity] needs min ≤ desired ≤ max, got ${capacity.min}/${capacity.desired}/${capacity.max}`);
  }
  if (problems.length) throw new Error(`ImmutableFleet '${name}': ${problems.join("; ")}`);
  return capacity;
}

function resolveCapacity(c: FleetCapacity): ResolvedCapacity {
  const min = c.min ?? FLEET_DEFAULTS.capacity.min;
  const desired = c.desired ?? min;
  return { min, desired, max: c.max ?? Math.max(min, desired) };
}
