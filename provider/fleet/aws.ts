/**
 * The few AWS calls a rollout makes, each a small function over SDK v3 clients: read a group's health,
 * set its capacity, point a listener (or listener rule) at weighted target groups, read alarm states.
 */
import {
  AutoScalingClient,
  type AutoScalingClientConfig,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { notFound } from "../engine/errors";
import type { Generation } from "./input";
import type { InstanceHealth } from "./plan";

export interface FleetClients {
  readonly autoScaling: AutoScalingClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly cloudWatch: CloudWatchClient;
  readonly ec2: EC2Client;
  destroy(): void;
}

/** Clients for one region; credentials from the SDK's default chain unless given. */
export function fleetClients(
  region: string,
  endpoint?: string,
  credentials?: AutoScalingClientConfig["credentials"],
): FleetClients {
  const config = { region, endpoint, credentials };
  const autoScaling = new AutoScalingClient(config);
  const elb = new ElasticLoadBalancingV2Client(config);
  const cloudWatch = new CloudWatchClient(config);
  const ec2 = new EC2Client(config);
  return {
    autoScaling,
    elb,
    cloudWatch,
    ec2,
    destroy() {
      for (const client of [autoScaling, elb, cloudWatch, ec2]) client.destroy();
    },
  };
}

export interface GroupState {
  readonly desired: number;
  readonly instances: InstanceHealth[];
}

/** The group's capacity and each instance's lifecycle, health and target state (two calls with a target group). */
export async function groupState(
  clients: FleetClients,
  generation: Generation,
  signal?: AbortSignal,
): Promise<GroupState> {
  const out = await clients.autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [generation.group] }),
    { abortSignal: signal },
  );
  const group = out.AutoScalingGroups?.[0];
  if (!group) throw notFound(`Auto Scaling group ${generation.group} does not exist`, { resource: generation.group });
  const targets = generation.targetGroupArn
    ? await targetStates(clients, generation.targetGroupArn, signal)
    : undefined;
  return {
    desired: group.DesiredCapacity ?? 0,
    instances: (group.Instances ?? []).map((i) => ({
      id: i.InstanceId ?? "?",
      lifecycle: i.LifecycleState ?? "?",
      status: i.HealthStatus ?? "?",
      targets: targets ? [targets.get(i.InstanceId ?? "") ?? "unregistered"] : [],
    })),
  };
}

async function targetStates(clients: FleetClients, targetGroupArn: string, signal?: AbortSignal) {
  const out = await clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), {
    abortSignal: signal,
  });
  return new Map(
    (out.TargetHealthDescriptions ?? []).map((d) => [d.Target?.Id ?? "", d.TargetHealth?.State ?? "unknown"]),
  );
}

export async function setCapacity(
  clients: FleetClients,
  group: string,
  capacity: { min: number; max: number; desired: number },
  signal?: AbortSignal,
): Promise<void> {
  await clients.autoScaling.send(
    new UpdateAutoScalingGroupCommand({
      AutoScalingGroupName: group,
      MinSize: capacity.min,
      MaxSize: capacity.max,
      DesiredCapacity: capacity.desired,
    }),
    { abortSignal: signal },
  );
}

/** Where a forward action lives: a listener's default action, or a listener rule's action. */
export type Steered = { listenerArn: string } | { listenerRuleArn: string };

/** A forward action to weighted target groups, or a 503 when there are none. */
function forwardAction(weights: readonly { targetGroupArn: string; weight: number }[]) {
  const targetGroups = weights
    .filter((w) => w.weight > 0)
    .map((w) => ({ TargetGroupArn: w.targetGroupArn, Weight: w.weight }));
  if (targetGroups.length === 0) {
    const response = { StatusCode: "503", ContentType: "text/plain", MessageBody: "no fleet behind this listener" };
    return { Type: "fixed-response" as const, FixedResponseConfig: response };
  }
  return { Type: "forward" as const, ForwardConfig: { TargetGroups: targetGroups } };
}

/**
 * Forwards all of the listener's (or rule's) traffic to weighted target groups; weight-0 groups are left
 * out (so the engine can delete them); with none left, it answers 503.
 */
export async function forward(
  clients: FleetClients,
  steered: Steered,
  weights: readonly { targetGroupArn: string; weight: number }[],
  signal?: AbortSignal,
): Promise<void> {
  const action = forwardAction(weights);
  if ("listenerArn" in steered) {
    const command = new ModifyListenerCommand({ ListenerArn: steered.listenerArn, DefaultActions: [action] });
    await clients.elb.send(command, { abortSignal: signal });
  } else {
    const command = new ModifyRuleCommand({ RuleArn: steered.listenerRuleArn, Actions: [action] });
    await clients.elb.send(command, { abortSignal: signal });
  }
}

/** The named alarms now in ALARM state. */
export async function firingAlarms(clients: FleetClients, names: readonly string[], signal?: AbortSignal) {
  if (names.length === 0) return [];
  const out = await clients.cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: [...names] }), {
    abortSignal: signal,
  });
  return (out.MetricAlarms ?? [])
    .concat(out.CompositeAlarms ?? [])
    .filter((a) => a.StateValue === "ALARM")
    .map((a) => ({
      name: a.AlarmName ?? "?",
      reason: a.StateReason ?? "",
    }));
}
