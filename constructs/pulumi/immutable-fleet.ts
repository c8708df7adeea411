import type * as Aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { generationNames } from "../../provider/fleet/plan";
import { type ImmutableFleetArgs, validateFleetArgs } from "./immutable-fleet-args";
import { FleetRollout } from "./rollout-resource";

export type * from "./immutable-fleet-args";

/**
 * An autoscaling group running an image, replaced blue/green when the image changes: the new image gets
 * a new launch template, group and target group (their names derive from the image, so Pulumi creates
 * them before deleting the old ones); a `FleetRollout` then waits for the new group to be healthy, moves
 * the listener to it (in canary steps, baking and watching alarms), and only then does Pulumi delete the
 * old generation, or keep it scaled down (`keepPrevious`). A failed or cancelled rollout leaves the
 * traffic on the old group, empties the new one, and fails `pulumi up` naming the instances or alarm.
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
  /** The image the live generation runs. */
  readonly imageId: pulumi.Output<string>;
  readonly launchTemplate: Aws.ec2.LaunchTemplate;
  readonly group: Aws.autoscaling.Group;
  /** The generation's target group; absent without a load balancer. */
  readonly targetGroup?: Aws.lb.TargetGroup;
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
    // Kept generations are dropped from the state, not deleted: the rollout retires them.
    const generation = { parent: this, retainOnDelete: args.keepPrevious ?? false };

    this.imageId = args.image ? args.image.imageId : pulumi.output(args.imageId as pulumi.Input<string>);
    const names = this.imageId.apply((id) => generationNames(name, id));
    const tags = { ...args.tags, "kiln:fleet": name, "kiln:image": this.imageId };

    let listenerArn = args.listenerArn;
    const vpcId = args.vpcId ?? args.loadBalancer?.vpcId;
    if (args.loadBalancer) {
      const lb = args.loadBalancer;
      this.loadBalancer = new aws.lb.LoadBalancer(
        name,
        {
          loadBalancerType: "application",
          internal: lb.internal ?? false,
          subnets: lb.subnetIds ?? args.subnetIds,
          securityGroups: lb.securityGroupIds,
          tags,
        },
        parent,
      );
      this.listener = new aws.lb.Listener(
        name,
        {
          loadBalancerArn: this.loadBalancer.arn,
          port: lb.port ?? 80,
          protocol: "HTTP",
          // Until the first rollout forwards to a healthy group; the rollout owns this action after.
          defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "503" } }],
        },
        { parent: this, ignoreChanges: ["defaultActions"] },
      );
      listenerArn = this.listener.arn;
    }

    this.launchTemplate = new aws.ec2.LaunchTemplate(
      name,
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
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: (args.requireImdsv2 ?? true) ? "required" : "optional",
        },
        tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags })),
        tags,
      },
      generation,
    );

    const balanced = Boolean(listenerArn || args.listenerRuleArn);
    if (balanced) {
      const tg = args.targetGroup ?? {};
      this.targetGroup = new aws.lb.TargetGroup(
        name,
        {
          // At most 6 characters: the generation key's first six, so a new image makes a new group.
          namePrefix: names.apply((n) => n.key.slice(0, 6)),
          vpcId: vpcId as pulumi.Input<string>,
          port: tg.port ?? 80,
          protocol: tg.protocol ?? "HTTP",
          targetType: "instance",
          deregistrationDelay: tg.deregistrationDelay ?? 30,
          healthCheck: { path: tg.healthCheckPath ?? "/", protocol: tg.protocol ?? "HTTP" },
          tags,
        },
        generation,
      );
    }

    this.group = new aws.autoscaling.Group(
      name,
      {
        namePrefix: names.apply((n) => `${n.group}-`),
        launchTemplate: { id: this.launchTemplate.id, version: this.launchTemplate.latestVersion.apply(String) },
        vpcZoneIdentifiers: args.subnetIds,
        minSize: capacity.min,
        maxSize: capacity.max,
        desiredCapacity: capacity.desired,
        targetGroupArns: this.targetGroup ? [this.targetGroup.arn] : [],
        healthCheckType: this.targetGroup ? "ELB" : "EC2",
        healthCheckGracePeriod: args.healthCheckGracePeriod ?? 60,
        // The rollout waits, with its own timeout, rollback and message naming the instances.
        waitForCapacityTimeout: "0",
        tags: Object.entries(tags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      },
      generation,
    );

    this.rollout = new FleetRollout(
      name,
      {
        rollout: {
          fleet: name,
          region,
          target: { group: this.group.name, targetGroupArn: this.targetGroup?.arn },
          capacity,
          listenerArn,
          listenerRuleArn: args.listenerRuleArn,
          canarySteps: args.canarySteps ?? [],
          bakeTime: args.bakeTime ?? "0s",
          alarmNames: args.alarmNames ?? [],
          keepPrevious: args.keepPrevious ?? false,
          health: { timeout: args.healthCheckTimeout ?? "10m", minHealthyPercent: args.minHealthyPercent ?? 100 },
        },
        launchTemplateId: this.launchTemplate.id,
      },
      { ...parent, dependsOn: [this.group, ...(this.listener ? [this.listener] : [])] },
    );
    this.groupName = this.rollout.live.apply((live) => live.group);
    this.registerOutputs({ imageId: this.imageId, groupName: this.groupName });
  }
}
