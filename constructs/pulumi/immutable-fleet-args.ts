/** `ImmutableFleet`'s arguments, documented with their defaults, and their eager validation. */
import type * as pulumi from "@pulumi/pulumi";
import { canaryStepsProblem } from "../../provider/fleet/plan";
import type { BakedImage } from "../../provider/pulumi/baked-image";
import { parseDuration } from "../../provider/util/duration";

/** How many instances the group runs. */
export interface FleetCapacity {
  /** @default 1 */
  readonly min?: number;
  /** @default - the larger of `min` and `desired` */
  readonly max?: number;
  /** @default - `min` */
  readonly desired?: number;
}

/** An Application Load Balancer and HTTP listener created for the fleet. */
export interface FleetLoadBalancer {
  /** The VPC of the load balancer and the target groups. */
  readonly vpcId: pulumi.Input<string>;
  /** Subnets of the load balancer, in at least two Availability Zones. @default - the fleet's `subnetIds` */
  readonly subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** @default - the VPC's default security group */
  readonly securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** Listener port. @default 80 */
  readonly port?: number;
  /** @default false */
  readonly internal?: boolean;
}

/** The target group each generation gets. */
export interface FleetTargetGroup {
  /** Port the instances serve on. @default 80 */
  readonly port?: number;
  /** @default "HTTP" */
  readonly protocol?: "HTTP" | "HTTPS";
  /** @default "/" */
  readonly healthCheckPath?: string;
  /** Seconds a deregistering target keeps its connections. @default 30 */
  readonly deregistrationDelay?: number;
}

export interface ImmutableFleetArgs {
  /**
   * The AMI the instances boot from. Give this or `image`. Like every launch setting (`instanceType`,
   * `securityGroupIds`, `instanceProfile`, `userData`, `keyName`, `requireImdsv2`, `tags`), a change
   * brings up a new generation blue/green; it never updates the running one in place.
   * @default - `image`'s ID
   */
  readonly imageId?: pulumi.Input<string>;
  /** A Kiln `BakedImage` the instances boot from. @default - `imageId` */
  readonly image?: BakedImage;
  /** EC2 instance type, e.g. `t3.micro`. A change is a new generation (blue/green). */
  readonly instanceType: pulumi.Input<string>;
  /** Subnets the instances run in. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the instances; a change is a new generation. @default - the VPC's default security group */
  readonly securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  /** IAM instance profile, by name or ARN; a change is a new generation. @default - none */
  readonly instanceProfile?: pulumi.Input<string>;
  /**
   * Script or cloud-init run at first boot, as plain text (encoded here). A change is a new generation
   * (blue/green), as an image change is: instances never run a user data they did not boot with.
   * @default - none
   */
  readonly userData?: pulumi.Input<string>;
  /** EC2 key pair name; a change is a new generation. @default - none */
  readonly keyName?: pulumi.Input<string>;
  /**
   * Tags on every resource, propagated to instances and their volumes. Instances are tagged at launch,
   * so a change is a new generation (blue/green).
   * @default {}
   */
  readonly tags?: Record<string, pulumi.Input<string>>;
  /** Updated in place, never a new generation. @default { min: 1, max: 1, desired: 1 } */
  readonly capacity?: FleetCapacity;
  /** Require IMDSv2 session tokens for instance metadata; a change is a new generation. @default true */
  readonly requireImdsv2?: boolean;
  /** Seconds after launch before health checks count. @default 60 */
  readonly healthCheckGracePeriod?: number;
  /** An existing ALB listener whose default action the fleet steers. @default - none */
  readonly listenerArn?: pulumi.Input<string>;
  /** An existing listener rule whose forward action the fleet steers. @default - none */
  readonly listenerRuleArn?: pulumi.Input<string>;
  /** Create an ALB and listener for the fleet. @default - none: `listenerArn`, `listenerRuleArn` or no load balancer */
  readonly loadBalancer?: FleetLoadBalancer;
  /** VPC of the target groups, with `listenerArn` or `listenerRuleArn`. @default - `loadBalancer.vpcId` */
  readonly vpcId?: pulumi.Input<string>;
  /** @default - port 80, HTTP, health check on "/", 30 s deregistration delay */
  readonly targetGroup?: FleetTargetGroup;
  /** Canary percentages before 100 %, e.g. [10, 50]. @default [] (all traffic at once) */
  readonly canarySteps?: number[];
  /** Wait after each traffic step, watching `alarmNames` (Go duration). @default "0s" */
  readonly bakeTime?: string;
  /** CloudWatch alarms that roll the update back when in ALARM during a bake. @default [] */
  readonly alarmNames?: pulumi.Input<string>[];
  /** How long the new group may take to become healthy before the update is rolled back. @default "10m" */
  readonly healthCheckTimeout?: string;
  /** Share of the desired capacity that must be healthy, percent. @default 100 */
  readonly minHealthyPercent?: number;
  /**
   * Keep the previous generation, scaled to zero, so going back to it is instant: the fleet then has two
   * slots (launch template, group, target group each), the live generation and the kept one. Declaring
   * the kept generation's launch settings again (setting the image back) creates nothing: the rollout
   * scales the kept group to capacity, gates on its health, moves the traffic to it and scales the other
   * to zero, kept in its turn. A new generation replaces the kept slot. Turning this on adds the second
   * slot (empty) and replaces nothing; turning it off deletes the second slot, after a blue/green cutover
   * to a new generation in the first when the second was the live one.
   * @remarks The slots' capacity and launch settings are then set by the rollout, not updated in place
   * by Pulumi (a `pulumi refresh` shows the kept group at zero).
   * @default false
   */
  readonly keepPrevious?: boolean;
  /** Region of the fleet. @default - the `aws:region` configuration */
  readonly region?: string;
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
  if (plain(args.imageId) && !/^ami-[0-9a-f]+$/.test(args.imageId))
    say(`[imageId] ${JSON.stringify(args.imageId)} is not an AMI ID`);
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
  if (plain(args.listenerArn) && !/:listener\/app\//.test(args.listenerArn))
    say("[listenerArn] is not an ALB listener ARN");
  if (plain(args.listenerRuleArn) && !/:listener-rule\/app\//.test(args.listenerRuleArn))
    say("[listenerRuleArn] is not an ALB listener rule ARN");
  if ((args.listenerArn || args.listenerRuleArn) && args.vpcId === undefined)
    say("[vpcId] is required with an existing listener: the target groups are made in it");
  const balanced = steering.length > 0;
  if (!balanced && args.canarySteps?.length)
    say("[canarySteps] need a load balancer: give [listenerArn], [listenerRuleArn] or [loadBalancer]");
  const canary = canaryStepsProblem(args.canarySteps ?? []);
  if (canary) say(`[canarySteps] ${canary}`);
  for (const key of ["bakeTime", "healthCheckTimeout"] as const) {
    const value = args[key];
    if (value === undefined) continue;
    try {
      parseDuration(value);
    } catch (error) {
      say(`[${key}] ${(error as Error).message}`);
    }
  }
  const percent = args.minHealthyPercent;
  if (percent !== undefined && !(percent > 0 && percent <= 100))
    say(`[minHealthyPercent] ${percent} is not in (0, 100]`);
  const grace = args.healthCheckGracePeriod;
  if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0))
    say(`[healthCheckGracePeriod] ${grace} is not a whole number of seconds`);
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
  const min = c.min ?? 1;
  const desired = c.desired ?? min;
  return { min, desired, max: c.max ?? Math.max(min, desired) };
}
