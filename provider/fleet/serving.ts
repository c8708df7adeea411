/**
 * The generation a listener serves now, found from AWS rather than from an IaC engine's memory: Terraform
 * cannot hand a replaced resource's old attributes to its replacement, so the CDKTF fleet's rollout reads
 * the listener's forward action and finds the Auto Scaling group attached to that target group.
 */
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeListenersCommand, DescribeRulesCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { KilnError, notFound } from "../engine/errors";
import type { FleetClients, Steered } from "./aws";
import type { Generation } from "./input";

/** Target groups the listener (or rule) forwards to with a weight above zero. */
export async function forwardedTargetGroups(
  clients: FleetClients,
  steered: Steered,
  signal?: AbortSignal,
): Promise<string[]> {
  const actions =
    "listenerArn" in steered
      ? (
          await clients.elb.send(new DescribeListenersCommand({ ListenerArns: [steered.listenerArn] }), {
            abortSignal: signal,
          })
        ).Listeners?.[0]?.DefaultActions
      : (
          await clients.elb.send(new DescribeRulesCommand({ RuleArns: [steered.listenerRuleArn] }), {
            abortSignal: signal,
          })
        ).Rules?.[0]?.Actions;
  const forward = (actions ?? []).find((a) => a.Type === "forward");
  if (!forward) return [];
  const weighted = forward.ForwardConfig?.TargetGroups ?? [];
  if (weighted.length) return weighted.filter((t) => (t.Weight ?? 1) > 0).flatMap((t) => t.TargetGroupArn ?? []);
  return forward.TargetGroupArn ? [forward.TargetGroupArn] : [];
}

/**
 * The generation serving through `steered` other than `target`: the group attached to the one other
 * target group with traffic. None on a first deploy (the listener forwards to the target already).
 */
export async function servingGeneration(
  clients: FleetClients,
  steered: Steered,
  target: Generation,
  signal?: AbortSignal,
): Promise<Generation | undefined> {
  const others = (await forwardedTargetGroups(clients, steered, signal)).filter((arn) => arn !== target.targetGroupArn);
  if (others.length > 1) {
    throw new KilnError(
      "ROLLOUT_UNSETTLED",
      `the listener splits traffic over ${others.length} other target groups (${others.join(", ")}): an unfinished rollout; settle it first`,
    );
  }
  const [targetGroupArn] = others;
  if (!targetGroupArn) return undefined;
  let token: string | undefined;
  do {
    const page = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ NextToken: token }), {
      abortSignal: signal,
    });
    const group = page.AutoScalingGroups?.find((g) => g.TargetGroupARNs?.includes(targetGroupArn));
    if (group?.AutoScalingGroupName) return { group: group.AutoScalingGroupName, targetGroupArn };
    token = page.NextToken;
  } while (token);
  throw notFound(`no Auto Scaling group is attached to ${targetGroupArn}, which the listener forwards to`, {
    resource: targetGroupArn,
  });
}
