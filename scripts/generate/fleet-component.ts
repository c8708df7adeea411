import { z } from "zod";
import type { ComponentSpec } from "./pulumi-schema";
import { fieldsOf } from "./walk";

/**
 * `kiln:index:ImmutableFleet` in the package schema: the arguments of constructs/pulumi's component
 * (ImmutableFleetArgs, a TypeScript interface, so restated here with their docs), less `image` (another
 * language passes the BakedImage's `imageId`). test/pulumi/plugin-construct.test.ts holds these names to
 * the plugin's FLEET_ARGS, which the typecheck holds to ImmutableFleetArgs.
 */
const capacity = z.object({
  min: z.number().optional().describe("@default 1"),
  max: z.number().optional().describe("@default - the larger of `min` and `desired`"),
  desired: z.number().optional().describe("@default - `min`"),
});

const loadBalancer = z.object({
  vpc_id: z.string().describe("The VPC of the load balancer and the target groups."),
  subnet_ids: z
    .array(z.string())
    .optional()
    .describe("Subnets of the load balancer, in at least two Availability Zones. @default - the fleet's `subnetIds`"),
  security_group_ids: z.array(z.string()).optional().describe("@default - the VPC's default security group"),
  port: z.number().optional().describe("Listener port. @default 80"),
  internal: z.boolean().optional().describe("@default false"),
});

const targetGroup = z.object({
  port: z.number().optional().describe("Port the instances serve on. @default 80"),
  protocol: z.enum(["HTTP", "HTTPS"]).optional().describe('@default "HTTP"'),
  health_check_path: z.string().optional().describe('@default "/"'),
  deregistration_delay: z
    .number()
    .optional()
    .describe("Seconds a deregistering target keeps its connections. @default 30"),
});

const fleetInputs = z.object({
  image_id: z
    .string()
    .optional()
    .describe(
      "The AMI the instances boot from: a `BakedImage`'s `imageId`. Like every launch setting (instance type, security groups, instance profile, user data, key pair, IMDSv2, tags), a change brings up a new generation blue/green.",
    ),
  instance_type: z.string().describe("EC2 instance type, e.g. `t3.micro`."),
  subnet_ids: z.array(z.string()).describe("Subnets the instances run in."),
  security_group_ids: z
    .array(z.string())
    .optional()
    .describe("Security groups of the instances. @default - the VPC's default security group"),
  instance_profile: z.string().optional().describe("IAM instance profile, by name or ARN. @default - none"),
  user_data: z
    .string()
    .optional()
    .describe("Script or cloud-init run at first boot, as plain text; a change is a new generation. @default - none"),
  key_name: z.string().optional().describe("EC2 key pair name. @default - none"),
  tags: z
    .record(z.string(), z.string())
    .optional()
    .describe("Tags on every resource, propagated to instances and their volumes. @default {}"),
  capacity: capacity
    .optional()
    .describe("How many instances the group runs; updated in place. @default { min: 1, max: 1, desired: 1 }"),
  require_imdsv2: z.boolean().optional().describe("Require IMDSv2 session tokens for instance metadata. @default true"),
  health_check_grace_period: z
    .number()
    .optional()
    .describe("Seconds after launch before health checks count. @default 60"),
  listener_arn: z.string().optional().describe("An existing ALB listener whose default action the fleet steers."),
  listener_rule_arn: z.string().optional().describe("An existing listener rule whose forward action the fleet steers."),
  load_balancer: loadBalancer.optional().describe("Create an ALB and listener for the fleet."),
  vpc_id: z
    .string()
    .optional()
    .describe("VPC of the target groups, with `listenerArn` or `listenerRuleArn`. @default - `loadBalancer.vpcId`"),
  target_group: targetGroup.optional().describe("The target group each generation gets."),
  canary_steps: z
    .array(z.number())
    .optional()
    .describe("Canary percentages before 100 %, e.g. [10, 50]. @default [] (all traffic at once)"),
  bake_time: z
    .string()
    .optional()
    .describe('Wait after each traffic step, watching `alarmNames` (Go duration). @default "0s"'),
  alarm_names: z
    .array(z.string())
    .optional()
    .describe("CloudWatch alarms that roll the update back when in ALARM. @default []"),
  health_check_timeout: z
    .string()
    .optional()
    .describe('How long the new group may take to become healthy before the update is rolled back. @default "10m"'),
  min_healthy_percent: z
    .number()
    .optional()
    .describe("Share of the desired capacity that must be healthy, percent. @default 100"),
  keep_previous: z
    .boolean()
    .optional()
    .describe(
      "Keep the previous generation, scaled to zero, in a second slot: declaring its launch settings again (setting the image back) switches back to it with no new resources. @default false",
    ),
  region: z.string().optional().describe("Region of the fleet. @default - the `aws:region` configuration"),
});

const fleetOutputs = z.object({
  image_id: z.string().describe("The AMI the serving generation boots from."),
  group_name: z.string().describe("The autoscaling group serving now."),
});

export const immutableFleetComponent: ComponentSpec = {
  name: "ImmutableFleet",
  description:
    "An autoscaling group launched from an image, replaced blue/green when the image changes: the new group must be healthy before traffic moves to it, and a failed rollout moves it back.",
  inputs: fieldsOf(fleetInputs),
  outputs: fieldsOf(fleetOutputs),
};
