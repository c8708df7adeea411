import { Construct } from "constructs";
import { ROLLOUT_ENV } from "../../provider/cli/fleet-command";
import type { RolloutInput } from "../../provider/fleet/input-types";
import {
  canaryStepsProblem,
  GENERATION_KEY_LENGTH,
  generationNames,
  healthThresholds,
} from "../../provider/fleet/plan";
import { parseDuration } from "../../provider/util/duration";
import { shellQuote } from "../../provider/util/shell";
import { create, type Flavour, type Made } from "./flavour";
import { kilnCommand } from "./kiln-command";

/** Never empty: moto fails CreateAutoScalingGroup on a launch template without user data. */
const DEFAULT_USER_DATA = "#!/bin/sh\n# launched by Kiln's ImmutableFleet\n";

export interface ImmutableFleetProps<Provider = unknown> {
  /**
   * The image every instance of a generation runs, e.g. `BakedImage.imageId`. A new image is a new
   * generation; so is a new instance type, user data or set of security groups (immutable: nothing an
   * instance boots from changes in place). Capacity, subnets and health settings update in place.
   */
  readonly imageId: string;
  readonly instanceType: string;
  readonly vpcId: string;
  /** Subnets the groups launch into. */
  readonly subnetIds: string[];
  readonly securityGroupIds?: string[];
  /** The load balancer the fleet serves behind; the fleet owns its listener on `port`. */
  readonly loadBalancerArn: string;
  /** @default 80 */
  readonly port?: number;
  /** Port the instances serve on. @default 80 */
  readonly instancePort?: number;
  /** Path of the target group's HTTP health check. @default "/" */
  readonly healthCheckPath?: string;
  /** @default 2 */
  readonly desiredCapacity?: number;
  /** @default - desiredCapacity */
  readonly minSize?: number;
  /** @default - desiredCapacity */
  readonly maxSize?: number;
  /** User data script (plain text). @default - a no-op script */
  readonly userData?: string;
  /** Canary percentages before 100 %, e.g. `[10, 50]`. @default [] (all at once) */
  readonly canarySteps?: number[];
  /** Wait after each traffic step, watching `alarmNames` (Go duration). @default "0s" */
  readonly bakeTime?: string;
  /** CloudWatch alarms that roll the deploy back when in ALARM during a bake. @default [] */
  readonly alarmNames?: string[];
  /** How long the new generation has to become healthy (Go duration). @default "10m" */
  readonly healthTimeout?: string;
  /** Share of `desiredCapacity` that must be healthy, percent. @default 100 */
  readonly minHealthyPercent?: number;
  /** Seconds a deregistered instance keeps its connections. @default 30 */
  readonly deregistrationDelay?: number;
  /** Region of the fleet, for the rollout's API calls. @default - the AWS SDK's (AWS_REGION) */
  readonly region?: string;
  /** AWS endpoint for the rollout's API calls (moto in tests). @default - the SDK's (AWS_ENDPOINT_URL) */
  readonly endpoint?: string;
  /** The AWS provider of the fleet's resources. @default - the stack's default AWS provider */
  readonly provider?: Provider;
}

/**
 * An immutable blue/green fleet behind a load balancer, on `@cdktf/provider-aws` or `@cdktn/provider-aws`.
 * Every image (or other launch change) is a new generation — launch template, target group and Auto
 * Scaling group, named from a hash of the launch settings with the planning functions the Pulumi component
 * uses — created before the previous one is destroyed. Once the new group exists, `kiln fleet rollout` (a
 * `local-exec`) waits for its capacity and target health, moves the listener's weights to it step by step,
 * baking and watching alarms; only then does Terraform destroy the previous generation. A failed or interrupted rollout puts the traffic back on the previous group,
 * scales the new one to zero and fails the apply, which leaves the previous generation in place.
 * `Parts` are the flavour's resource classes.
 */
export interface ImmutableFleetOf<Parts extends FleetParts> extends Construct {
  readonly launchTemplate: Parts["launchTemplate"];
  readonly targetGroup: Parts["targetGroup"];
  readonly group: Parts["group"];
  readonly listener: Parts["listener"];
  /** The `terraform_data` whose create runs the rollout of each generation. */
  readonly rollout: Parts["rollout"];
}

/** The classes of a generation's pieces, per flavour. */
export interface FleetParts {
  readonly launchTemplate: unknown;
  readonly targetGroup: unknown;
  readonly group: unknown;
  readonly listener: unknown;
  readonly rollout: unknown;
}

/** The `ImmutableFleet` class of a flavour whose `TerraformProvider` is `Provider`. */
export type ImmutableFleetClass<Provider, Parts extends FleetParts> = new (
  scope: Construct,
  id: string,
  props: ImmutableFleetProps<Provider>,
) => ImmutableFleetOf<Parts>;

/**
 * The `ImmutableFleet` class for one flavour (`cdktf` or `cdktn`, see flavour.ts); the entry points
 * `kiln/cdktf` and `kiln/cdktn` export what this returns.
 */
export function defineImmutableFleet<Provider, F extends Flavour<Provider>>(
  lib: F,
): ImmutableFleetClass<
  Provider,
  {
    launchTemplate: Made<Provider, F, "LaunchTemplate">;
    targetGroup: Made<Provider, F, "LbTargetGroup">;
    group: Made<Provider, F, "AutoscalingGroup">;
    listener: Made<Provider, F, "LbListener">;
    rollout: Made<Provider, F, "DataResource">;
  }
> {
  return class ImmutableFleet extends Construct {
    readonly launchTemplate: Made<Provider, F, "LaunchTemplate">;
    readonly targetGroup: Made<Provider, F, "LbTargetGroup">;
    readonly group: Made<Provider, F, "AutoscalingGroup">;
    readonly listener: Made<Provider, F, "LbListener">;
    readonly rollout: Made<Provider, F, "DataResource">;

    constructor(scope: Construct, id: string, props: ImmutableFleetProps<Provider>) {
      super(scope, id);
      const settings = validate(lib, this.node.path, props);
      const { provider } = props;
      const userData = props.userData ?? DEFAULT_USER_DATA;
      // The generation key, computed by Terraform (the image is known only at apply): a hash of everything an
      // instance boots from, so any change to it is a new generation, blue/green, as with the Pulumi fleet.
      // terraformLaunchKey (provider/fleet/plan.ts) is the same function.
      const groups = props.securityGroupIds ?? [];
      const sortedGroups = groups.some((g) => lib.Token.isUnresolved(g)) ? lib.Fn.sort(groups) : [...groups].sort();
      const launch = [props.imageId, props.instanceType, userData, sortedGroups];
      const key = lib.Fn.substr(lib.Fn.sha256(lib.Fn.jsonencode(launch)), 0, GENERATION_KEY_LENGTH);
      const names = generationNames(id, "0");
      const named = (full: string) => `${full.slice(0, -GENERATION_KEY_LENGTH)}${key}`;
      const replaceFirst = { createBeforeDestroy: true };

      this.launchTemplate = create(lib, "LaunchTemplate", this, "launch-template", {
        provider,
        name: named(names.launchTemplate),
        imageId: props.imageId,
        instanceType: props.instanceType,
        vpcSecurityGroupIds: props.securityGroupIds,
        userData: lib.Fn.base64encode(userData),
        tagSpecifications: [{ resourceType: "instance", tags: { "kiln:fleet": id } }],
        lifecycle: replaceFirst,
      });
      this.targetGroup = create(lib, "LbTargetGroup", this, "target-group", {
        provider,
        // The name carries the generation key, so each generation gets its own target group.
        name: named(names.targetGroup),
        port: settings.instancePort,
        protocol: "HTTP",
        vpcId: props.vpcId,
        deregistrationDelay: String(props.deregistrationDelay ?? 30),
        healthCheck: { path: props.healthCheckPath ?? "/", matcher: "200" },
        lifecycle: replaceFirst,
      });
      this.group = create(lib, "AutoscalingGroup", this, "group", {
        provider,
        name: named(names.group),
        minSize: settings.capacity.min,
        maxSize: settings.capacity.max,
        desiredCapacity: settings.capacity.desired,
        vpcZoneIdentifier: props.subnetIds,
        launchTemplate: { id: this.launchTemplate.id, version: lib.Token.asString(this.launchTemplate.latestVersion) },
        targetGroupArns: [this.targetGroup.arn],
        healthCheckType: "ELB",
        waitForCapacityTimeout: props.healthTimeout ?? "10m",
        tag: [{ key: "kiln:fleet", value: id, propagateAtLaunch: true }],
        lifecycle: replaceFirst,
      });
      this.listener = create(lib, "LbListener", this, "listener", {
        provider,
        loadBalancerArn: props.loadBalancerArn,
        port: props.port ?? 80,
        protocol: "HTTP",
        defaultAction: [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
        // After the first deploy the rollout owns the weights; Terraform must not put them back.
        lifecycle: { ignoreChanges: ["default_action"] },
      });

      const region =
        props.region ?? create<Provider, F, "DataAwsRegion">(lib, "DataAwsRegion", this, "region", { provider }).region;
      const input: RolloutInput = {
        fleet: id,
        region,
        target: { group: this.group.name, targetGroupArn: this.targetGroup.arn },
        capacity: settings.capacity,
        listenerArn: this.listener.arn,
        canarySteps: settings.canarySteps,
        bakeTime: props.bakeTime ?? "0s",
        alarmNames: props.alarmNames ?? [],
        health: { timeout: props.healthTimeout ?? "10m", minHealthyPercent: props.minHealthyPercent ?? 100 },
        ...(props.endpoint ? { endpoint: props.endpoint } : {}),
      };
      const kiln = kilnCommand().map(shellQuote).join(" ");
      this.rollout = create(lib, "DataResource", this, "rollout", {
        triggersReplace: { group: this.group.name },
        input: { request: lib.Fn.jsonencode(input) },
        provisioners: [
          {
            type: "local-exec",
            // `exec`: on interrupt Terraform kills this process; it must be kiln, not a shell.
            command: `exec ${kiln} fleet rollout`,
            environment: { [ROLLOUT_ENV]: `\${self.input.request}` },
          },
        ],
        lifecycle: replaceFirst,
      });
    }
  };
}

interface Settings {
  readonly capacity: { min: number; max: number; desired: number };
  readonly canarySteps: number[];
  readonly instancePort: number;
}

/** Eager checks, each naming the prop, so a bad fleet fails at synth rather than halfway through a deploy. */
function validate(lib: Pick<Flavour, "Token">, path: string, props: ImmutableFleetProps<unknown>): Settings {
  const problems: string[] = [];
  const desired = props.desiredCapacity ?? 2;
  const capacity = { min: props.minSize ?? desired, max: props.maxSize ?? desired, desired };
  if (!(capacity.min <= capacity.desired && capacity.desired <= capacity.max)) {
    problems.push(
      `minSize ≤ desiredCapacity ≤ maxSize must hold, got ${capacity.min}/${capacity.desired}/${capacity.max}`,
    );
  }
  try {
    healthThresholds(desired, { minHealthyPercent: props.minHealthyPercent });
  } catch (error) {
    problems.push((error as Error).message);
  }
  const canarySteps = props.canarySteps ?? [];
  const steps = canaryStepsProblem(canarySteps);
  if (steps) problems.push(`canarySteps: ${steps}`);
  for (const field of ["bakeTime", "healthTimeout"] as const) {
    const value = props[field];
    if (value === undefined) continue;
    try {
      parseDuration(value);
    } catch (error) {
      problems.push(`${field}: ${(error as Error).message}`);
    }
  }
  const instancePort = props.instancePort ?? 80;
  for (const field of ["port", "instancePort"] as const) {
    const value = props[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 65535)) {
      problems.push(`${field}: ${value} is not a port (1–65535)`);
    }
  }
  if (!lib.Token.isUnresolved(props.subnetIds) && props.subnetIds.length === 0) {
    problems.push("subnetIds: give at least one subnet");
  }
  if (problems.length) throw new Error(`ImmutableFleet '${path}': ${problems.join("; ")}`);
  return { capacity, canarySteps, instancePort };
}
