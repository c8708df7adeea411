import type * as Aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { generationKey, generationNamesForKey, type LaunchSpec, launchFingerprint } from "../../provider/fleet/plan";
import { FLEET_DEFAULTS } from "../../provider/fleet/settings";
import { FleetSlots } from "./fleet-slots";
import { type ImmutableFleetArgs, validateFleetArgs } from "./immutable-fleet-args";
import { FleetRollout } from "./rollout-resource";

export type * from "./immutable-fleet-args";

/** One generation's resources: launch template, Auto Scaling group and, behind a load balancer, target group. */
export interface FleetGeneration {
  readonly launchTemplate: Aws.ec2.LaunchTemplate;
  readonly group: Aws.autoscaling.Group;
  readonly targetGroup?: Aws.lb.TargetGroup;
}

/**
 * What a slot's launch template is created with and then never updated: a slot holds one generation, and
 * a change to any of these is a new generation in the other slot. The state keeps the values the slot
 * was created with (ignored changes keep the old inputs), so a kept slot still describes its generation.
 */
const LAUNCH_PROPERTIES = [
  "imageId",
  "instanceType",
  "keyName",
  "vpcSecurityGroupIds",
  "iamInstanceProfile",
  "userData",
  "metadataOptions",
  "tagSpecifications",
  "tags",
];
/** A slot's capacity belongs to the rollout (kept slots are scaled to zero); its tags go to instances. */
const SLOT_GROUP_PROPERTIES = ["minSize", "maxSize", "desiredCapacity", "tags"];

/**
 * An autoscaling group running an image, replaced blue/green whenever what its instances boot from
 * changes (image, instance type, user data, security groups, instance profile, key pair, IMDS setting,
 * instance tags): the new launch settings get a new launch template, group and target group (their names
 * derive from a hash of the settings, so Pulumi creates them before deleting the old ones); a
 * `FleetRollout` then waits for the new group to be healthy, moves the listener to it (in canary steps,
 * baking and watching alarms), and only then does Pulumi delete the old generation. A failed or cancelled
 * rollout leaves the traffic on the old group, empties the new one, and fails `pulumi up` naming the
 * instances or alarm. Capacity, subnets and target group settings update in place.
 *
 * With `keepPrevious` the fleet has two slots (a `FleetSlots` resource remembers which generation each
 * holds): a new generation replaces the kept slot and the previous one is kept scaled to zero; declaring
 * the kept generation's settings again (setting the image back) switches back to it with no new resources:
 * the rollout scales it to capacity, gates on its health, moves the traffic, and keeps the other in turn.
 *
 *     const fleet = new ImmutableFleet("web", {
 *       image,                                   // a BakedImage, or imageId: "ami-…"
 *       instanceType: "t3.micro",
 *       subnetIds: vpc.privateSubnetIds,
 *       capacity: { min: 2, max: 4 },
 *       loadBalancer: { vpcId: vpc.vpcId, subnetIds: vpc.publicSubnetIds },
 *       canarySteps: [10, 50],
 *       bakeTime: "2m",
 *     });
 */
export class ImmutableFleet extends pulumi.ComponentResource {
  /** The image the declared generation runs. */
  readonly imageId: pulumi.Output<string>;
  /** Hash of the declared launch settings: the generation's key, in its resources' names. */
  readonly generationKey: pulumi.Output<string>;
  /** The first (with `keepPrevious`, slot 0's) generation. */
  readonly launchTemplate: Aws.ec2.LaunchTemplate;
  readonly group: Aws.autoscaling.Group;
  /** The generation's target group; absent without a load balancer. */
  readonly targetGroup?: Aws.lb.TargetGroup;
  /** One generation; with `keepPrevious`, the two slots'. */
  readonly generations: readonly FleetGeneration[];
  /** With `keepPrevious`: which generation each slot holds and which is live. */
  readonly slots?: FleetSlots;
  /** Created when `loadBalancer` is given. */
  readonly loadBalancer?: Aws.lb.LoadBalancer;
  readonly listener?: Aws.lb.Listener;
  /** The cutover: waits, steers, rolls back. */
  readonly rollout: FleetRollout;
  /** Name of the group carrying the traffic. */
  readonly groupName: pulumi.Output<string>;

  constructor(name: string, args: ImmutableFleetArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Loaded here, not at import: `kiln/pulumi` serves BakedImage users who have no @pulumi/aws.
    const aws: typeof Aws = require("@pulumi/aws");
    // Before anything registers: a bad arg fails the program with nothing half-declared.
    const capacity = validateFleetArgs(name, args, aws.config.region);
    super("kiln:index:ImmutableFleet", name, {}, opts);
    const region = args.region ?? (aws.config.region as string);
    const parent = { parent: this };
    const requireImdsv2 = args.requireImdsv2 ?? FLEET_DEFAULTS.requireImdsv2;

    this.imageId = args.image ? args.image.imageId : pulumi.output(args.imageId as pulumi.Input<string>);
    const baseTags = { ...args.tags, "kiln:fleet": name };
    const instanceTags = { ...baseTags, "kiln:image": this.imageId };
    const spec: pulumi.Output<LaunchSpec> = pulumi
      .all([
        this.imageId,
        args.instanceType,
        args.userData,
        args.securityGroupIds,
        args.instanceProfile,
        args.keyName,
        pulumi.output(args.tags ?? FLEET_DEFAULTS.tags),
      ])
      .apply(([imageId, instanceType, userData, securityGroupIds, instanceProfile, keyName, tags]) => ({
        imageId,
        instanceType,
        userData,
        securityGroupIds,
        instanceProfile,
        keyName,
        requireImdsv2,
        tags,
      }));
    // 32 bits of a hash of the settings, user data included: it names resources, so it is not kept secret.
    this.generationKey = pulumi.unsecret(spec.apply((s) => generationKey(launchFingerprint(s))));

    let listenerArn = args.listenerArn;
    const vpcId = args.vpcId ?? args.loadBalancer?.vpcId;
    if (args.loadBalancer) {
      const lb = args.loadBalancer;
      this.loadBalancer = new aws.lb.LoadBalancer(
        name,
        {
          loadBalancerType: "application",
          internal: lb.internal ?? FLEET_DEFAULTS.loadBalancer.internal,
          subnets: lb.subnetIds ?? args.subnetIds,
          securityGroups: lb.securityGroupIds,
          tags: baseTags,
        },
        parent,
      );
      this.listener = new aws.lb.Listener(
        name,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: lb.port ?? FLEET_DEFAULTS.loadBalancer.port,
          protocol: "HTTP",
          // Until the first rollout forwards to a healthy group; the rollout owns this action after.
          defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "503" } }],
        },
        { parent: this, ignoreChanges: ["defaultActions"] },
      );
      listenerArn = this.listener.arn;
    }
    const balanced = Boolean(listenerArn || args.listenerRuleArn);

    /** Declares one generation named from `key`; a slot's is created once and left to the rollout after. */
    const generation = (resourceName: string, key: pulumi.Output<string>, live?: pulumi.Output<boolean>) => {
      const names = key.apply((k) => generationNamesForKey(name, k));
      const launchTemplate = new aws.ec2.LaunchTemplate(
        resourceName,
        {
          namePrefix: names.apply((n) => `${n.launchTemplate}-`),
          imageId: this.imageId,
          instanceType: args.instanceType,
          keyName: args.keyName,
          vpcSecurityGroupIds: args.securityGroupIds,
          iamInstanceProfile: args.instanceProfile
            ? pulumi.output(args.instanceProfile).apply((p) => (p.startsWith("arn:") ? { arn: p } : { name: p }))
            : undefined,
          userData: args.userData
            ? pulumi.output(args.userData).apply((u) => Buffer.from(u).toString("base64"))
            : undefined,
          metadataOptions: { httpEndpoint: "enabled", httpTokens: requireImdsv2 ? "required" : "optional" },
          tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: instanceTags })),
          tags: instanceTags,
        },
        { parent: this, ignoreChanges: live ? LAUNCH_PROPERTIES : undefined },
      );
      const tg = args.targetGroup ?? {};
      const targetGroup = balanced
        ? new aws.lb.TargetGroup(
            resourceName,
            {
              // At most 6 characters: the generation key's first six, so a new generation makes a new group.
              namePrefix: names.apply((n) => n.key.slice(0, 6)),
              vpcId: vpcId as pulumi.Input<string>,
              port: tg.port ?? FLEET_DEFAULTS.targetGroup.port,
              protocol: tg.protocol ?? FLEET_DEFAULTS.targetGroup.protocol,
              targetType: "instance",
              deregistrationDelay: tg.deregistrationDelay ?? FLEET_DEFAULTS.targetGroup.deregistrationDelay,
              healthCheck: {
                path: tg.healthCheckPath ?? FLEET_DEFAULTS.targetGroup.healthCheckPath,
                protocol: tg.protocol ?? FLEET_DEFAULTS.targetGroup.protocol,
              },
              tags: baseTags,
            },
            parent,
          )
        : undefined;
      // A slot is created at full capacity when it is live, empty when it starts as the stand-by.
      const sized = (n: number) => (live ? live.apply((l) => (l ? n : 0)) : n);
      const group = new aws.autoscaling.Group(
        resourceName,
        {
          namePrefix: names.apply((n) => `${n.group}-`),
          launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
          vpcZoneIdentifiers: args.subnetIds,
          minSize: sized(capacity.min),
          maxSize: capacity.max,
          desiredCapacity: sized(capacity.desired),
          targetGroupArns: targetGroup ? [targetGroup.arn] : [],
          healthCheckType: targetGroup ? "ELB" : "EC2",
          healthCheckGracePeriod: args.healthCheckGracePeriod ?? FLEET_DEFAULTS.healthCheckGracePeriod,
          // The rollout waits, with its own timeout, rollback and message naming the instances.
          waitForCapacityTimeout: "0",
          tags: Object.entries(instanceTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
        },
        { parent: this, ignoreChanges: live ? SLOT_GROUP_PROPERTIES : undefined },
      );
      return { launchTemplate, group, targetGroup };
    };

    let live: <T>(values: pulumi.Output<T>[]) => pulumi.Output<T>;
    if (args.keepPrevious) {
      this.slots = new FleetSlots(name, { fleet: name, key: this.generationKey }, parent);
      const { keys, live: liveSlot } = this.slots;
      // Slot 0 keeps the one-generation names: turning keepPrevious on replaces nothing.
      this.generations = ([0, 1] as const).map((i) =>
        generation(
          i === 0 ? name : `${name}-b`,
          keys.apply((k) => k[i]),
          liveSlot.apply((l) => l === i),
        ),
      );
      live = <T>(values: pulumi.Output<T>[]) =>
        pulumi.all([liveSlot, pulumi.all(values)]).apply(([l, v]) => v[l] as pulumi.Unwrap<T>) as pulumi.Output<T>;
    } else {
      this.generations = [generation(name, this.generationKey)];
      live = (values) => values[0] as never;
    }
    const [first] = this.generations as [FleetGeneration];
    this.launchTemplate = first.launchTemplate;
    this.group = first.group;
    this.targetGroup = first.targetGroup;

    this.rollout = new FleetRollout(
      name,
      {
        rollout: {
          fleet: name,
          region,
          target: {
            group: live(this.generations.map((g) => g.group.name)),
            targetGroupArn: balanced
              ? live(this.generations.map((g) => (g.targetGroup as Aws.lb.TargetGroup).arn))
              : undefined,
          },
          capacity,
          listenerArn,
          listenerRuleArn: args.listenerRuleArn,
          canarySteps: args.canarySteps ?? [...FLEET_DEFAULTS.canarySteps],
          bakeTime: args.bakeTime ?? FLEET_DEFAULTS.bakeTime,
          alarmNames: args.alarmNames ?? [...FLEET_DEFAULTS.alarmNames],
          keepPrevious: args.keepPrevious ?? FLEET_DEFAULTS.keepPrevious,
          health: {
            timeout: args.healthCheckTimeout ?? FLEET_DEFAULTS.healthCheckTimeout,
            minHealthyPercent: args.minHealthyPercent ?? FLEET_DEFAULTS.minHealthyPercent,
          },
        },
        launchTemplateId: live(this.generations.map((g) => g.launchTemplate.id)),
      },
      {
        ...parent,
        dependsOn: [...this.generations.map((g) => g.group), ...(this.listener ? [this.listener] : [])],
      },
    );
    this.groupName = this.rollout.live.apply((l) => l.group);
    this.registerOutputs({ imageId: this.imageId, generationKey: this.generationKey, groupName: this.groupName });
  }
}
