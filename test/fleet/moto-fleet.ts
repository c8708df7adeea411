/** Builds, in moto through the SDK, what the ImmutableFleet component would create: VPC, ALB, generations. */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { generationNames } from "../../provider/fleet/plan";
import { MOTO_CREDENTIALS, type Moto } from "../fixtures/moto";

export const REGION = "eu-west-1";

export interface MotoFleet {
  readonly subnets: string[];
  readonly vpcId: string;
  readonly listenerArn: string;
  readonly asg: AutoScalingClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly cw: CloudWatchClient;
  readonly ec2: EC2Client;
  /** Creates one generation (launch template, target group, group of `desired` instances) for `imageId`. */
  generation(imageId: string, desired?: number): Promise<{ group: string; targetGroupArn: string }>;
  /** The listener's forward weights, target group ARN → weight. */
  weights(): Promise<Record<string, number>>;
  /** The group's desired capacity and number of instances. */
  capacity(group: string): Promise<{ desired: number; instances: string[] }>;
  /** Target states in a target group, instance → state. */
  targets(targetGroupArn: string): Promise<Record<string, string>>;
  alarm(name: string, state?: "OK" | "ALARM"): Promise<void>;
  destroy(): void;
}

export async function motoFleet(moto: Moto, fleet = "web"): Promise<MotoFleet> {
  const config = { region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 };
  const ec2 = moto.ec2(REGION);
  const asg = new AutoScalingClient(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  const cw = new CloudWatchClient(config);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: "10.0.0.0/16" }));
  const vpcId = vpc.Vpc?.VpcId as string;
  const subnets: string[] = [];
  for (const [i, az] of ["a", "b"].entries()) {
    const s = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `${REGION}${az}` }),
    );
    subnets.push(s.Subnet?.SubnetId as string);
  }
  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: `${fleet}-alb`, Subnets: subnets }));
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn as string;
  const listener = await elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Protocol: "HTTP",
      Port: 80,
      DefaultActions: [{ Type: "fixed-response", FixedResponseConfig: { StatusCode: "503" } }],
    }),
  );
  const listenerArn = listener.Listeners?.[0]?.ListenerArn as string;
  return {
    subnets,
    vpcId,
    listenerArn,
    asg,
    elb,
    cw,
    ec2,
    async generation(imageId, desired = 2) {
      const names = generationNames(fleet, imageId);
      const template = await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: names.launchTemplate,
          // moto 5.2.5 fails CreateAutoScalingGroup for a template without UserData.
          LaunchTemplateData: {
            ImageId: imageId,
            InstanceType: "t3.micro",
            UserData: Buffer.from("#!/bin/sh\n").toString("base64"),
          },
        }),
      );
      const tg = await elb.send(
        new CreateTargetGroupCommand({
          Name: names.targetGroup,
          Protocol: "HTTP",
          Port: 80,
          VpcId: vpcId,
          TargetType: "instance",
        }),
      );
      const targetGroupArn = tg.TargetGroups?.[0]?.TargetGroupArn as string;
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: names.group,
          LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate?.LaunchTemplateId, Version: "$Latest" },
          MinSize: desired,
          MaxSize: desired,
          DesiredCapacity: desired,
          VPCZoneIdentifier: subnets.join(","),
          TargetGroupARNs: [targetGroupArn],
          HealthCheckType: "ELB",
        }),
      );
      return { group: names.group, targetGroupArn };
    },
    async weights() {
      const out = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
      const action = out.Listeners?.[0]?.DefaultActions?.[0];
      const groups =
        action?.ForwardConfig?.TargetGroups ??
        (action?.TargetGroupArn ? [{ TargetGroupArn: action.TargetGroupArn, Weight: 1 }] : []);
      return Object.fromEntries(groups.map((g) => [g.TargetGroupArn as string, g.Weight ?? 1]));
    },
    async capacity(group) {
      const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
      const g = out.AutoScalingGroups?.[0];
      return { desired: g?.DesiredCapacity ?? -1, instances: (g?.Instances ?? []).map((i) => i.InstanceId as string) };
    },
    async targets(targetGroupArn) {
      const out = await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      return Object.fromEntries((out.TargetHealthDescriptions ?? []).map((d) => [d.Target?.Id, d.TargetHealth?.State]));
    },
    async alarm(name, state) {
      await cw.send(
        new PutMetricAlarmCommand({
          AlarmName: name,
          MetricName: "HTTPCode_Target_5XX_Count",
          Namespace: "AWS/ApplicationELB",
          Statistic: "Sum",
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
        }),
      );
      if (state) await cw.send(new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: "test" }));
    },
    destroy() {
      asg.destroy();
      elb.destroy();
      cw.destroy();
    },
  };
}
