/**
 * Builds through the SDK what the ImmutableFleet component would create (VPC, ALB, listener, generations),
 * in moto or (live test) a real account, and removes it all again.
 */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import {
  CreateLaunchTemplateCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteLaunchTemplateCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  EC2Client,
} from "@aws-sdk/client-ec2";
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
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
  generation(imageId: string, desired?: number, userData?: string): Promise<{ group: string; targetGroupArn: string }>;
  /** The listener's forward weights, target group ARN → weight. */
  weights(): Promise<Record<string, number>>;
  /** The group's desired capacity and number of instances. */
  capacity(group: string): Promise<{ desired: number; instances: string[] }>;
  /** Target states in a target group, instance → state. */
  targets(targetGroupArn: string): Promise<Record<string, string>>;
  alarm(name: string, state?: "OK" | "ALARM"): Promise<void>;
  /** Deletes everything made here (the live test; moto is reset instead). */
  removeAll(): Promise<void>;
  destroy(): void;
}

export function motoFleet(moto: Moto, fleet = "web"): Promise<MotoFleet> {
  return sdkFleet({ region: REGION, endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS, maxAttempts: 1 }, fleet);
}

/** The same in any account the config reaches. */
export async function sdkFleet(
  config: ConstructorParameters<typeof EC2Client>[0] & { region: string },
  fleet: string,
): Promise<MotoFleet> {
  const ec2 = new EC2Client(config);
  const made: { group: string; targetGroupArn: string; launchTemplateId: string }[] = [];
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
  // Internal: the VPC made here has no internet gateway.
  const lb = await elb.send(
    new CreateLoadBalancerCommand({ Name: `${fleet}-alb`, Subnets: subnets, Scheme: "internal" }),
  );
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
    async generation(imageId, desired = 2, userData = "#!/bin/sh\n") {
      const names = generationNames(fleet, imageId);
      const template = await ec2.send(
        new CreateLaunchTemplateCommand({
          LaunchTemplateName: names.launchTemplate,
          // moto 5.2.5 fails CreateAutoScalingGroup for a template without UserData.
          LaunchTemplateData: {
            ImageId: imageId,
            InstanceType: "t3.micro",
            UserData: Buffer.from(userData).toString("base64"),
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
      made.push({
        group: names.group,
        targetGroupArn,
        launchTemplateId: template.LaunchTemplate?.LaunchTemplateId as string,
      });
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
    async removeAll() {
      await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lbArn }));
      for (const generation of made) {
        await asg.send(
          new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: generation.group, ForceDelete: true }),
        );
        await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: generation.targetGroupArn }));
        await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: generation.launchTemplateId }));
      }
      for (const subnet of subnets)
        await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet })).catch(() => undefined);
      await ec2.send(new DeleteVpcCommand({ VpcId: vpcId })).catch(() => undefined);
    },
    destroy() {
      for (const client of [asg, elb, cw, ec2]) client.destroy();
    },
  };
}
