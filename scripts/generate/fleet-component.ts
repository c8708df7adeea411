import { z } from "zod";
import type { ComponentSpec } from "./pulumi-schema";
import { fieldsOf } from "./walk";

/**
 * `kiln:index:ImmutableFleet` in the package schema. Provisional: the component (constructs/pulumi, issue
 * 10) had not landed when the schema was first generated, so its arguments are declared here from the
 * issue's list; once it lands, these come from the component's own argument schema.
 */
const fleetInputs = z.object({
  image_id: z.string().describe("The image instances launch from (a `BakedImage`'s `imageId`)."),
  instance_type: z.string().describe("Instance type of the fleet's instances, e.g. `t3.micro`."),
  subnet_ids: z.array(z.string()).describe("Subnets the autoscaling group launches into."),
  security_group_ids: z.array(z.string()).optional().describe("Security groups of the instances."),
  iam_instance_profile: z.string().optional().describe("IAM instance profile of the instances."),
  user_data: z.string().optional().describe("User data of the instances."),
  key_name: z.string().optional().describe("EC2 key pair of the instances."),
  tags: z.record(z.string(), z.string()).optional().describe("Tags propagated to the instances."),
  min_size: z.number().optional().describe("@default 1"),
  max_size: z.number().optional().describe("@default 1"),
  desired_capacity: z.number().optional().describe("@default - `minSize`"),
  listener_arn: z.string().optional().describe("An existing ALB listener to steer to the new generation."),
  listener_rule_arn: z.string().optional().describe("Or an existing listener rule to steer."),
  vpc_id: z.string().optional().describe("Or a VPC in which to create a load balancer."),
  canary_steps: z.array(z.number()).optional().describe("Canary traffic percentages before 100 %, e.g. [10, 50]."),
  bake_time: z.string().optional().describe("Wait after each traffic step (Go duration). @default \"0s\""),
  alarm_names: z.array(z.string()).optional().describe("CloudWatch alarms that roll the rollout back."),
  keep_previous: z.boolean().optional().describe("Keep the previous group scaled to zero for an instant rollback."),
  health_timeout: z.string().optional().describe("Give up waiting for the new group after this long."),
});

const fleetOutputs = z.object({
  group_name: z.string().describe("The autoscaling group serving now."),
  launch_template_id: z.string().describe("Its launch template."),
  target_group_arn: z.string().optional().describe("Its target group, behind a load balancer."),
});

export const immutableFleetComponent: ComponentSpec = {
  name: "ImmutableFleet",
  description:
    "An autoscaling group launched from an image, replaced blue/green when the image changes: the new group must be healthy before traffic moves to it.",
  inputs: fieldsOf(fleetInputs),
  outputs: fieldsOf(fleetOutputs),
};
