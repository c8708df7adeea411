/**
 * Removing generations the IaC engine no longer holds: a group kept scaled down by `keepPrevious` once a
 * newer one supersedes it, and (on destroy) whatever the engine was told to retain.
 */
import { DeleteAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import { DeleteLaunchTemplateCommand } from "@aws-sdk/client-ec2";
import { DeleteTargetGroupCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { type FleetClients, forward, type Steered } from "./aws";

/** One generation's resources, as deleted here. */
export interface GenerationResources {
  readonly group: string;
  readonly targetGroupArn?: string;
  readonly launchTemplateId?: string;
}

const gone = (error: unknown) =>
  /NotFound|not found|does not exist/i.test(`${(error as Error).name} ${(error as Error).message}`);

/** Deletes a group (with its instances), its target group and its launch template; absent ones are skipped. */
export async function deleteGeneration(
  clients: FleetClients,
  generation: GenerationResources,
  signal?: AbortSignal,
): Promise<void> {
  const options = { abortSignal: signal };
  const ignoreGone = (error: unknown) => {
    if (!gone(error)) throw error;
  };
  await clients.autoScaling
    .send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: generation.group, ForceDelete: true }), options)
    .catch(ignoreGone);
  if (generation.targetGroupArn) {
    await clients.elb
      .send(new DeleteTargetGroupCommand({ TargetGroupArn: generation.targetGroupArn }), options)
      .catch(ignoreGone);
  }
  if (generation.launchTemplateId) {
    await clients.ec2
      .send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: generation.launchTemplateId }), options)
      .catch(ignoreGone);
  }
}

/** Takes the fleet out of the listener (a 503 answer), so its target groups can be deleted. */
export async function detachListener(clients: FleetClients, steered: Steered, signal?: AbortSignal): Promise<void> {
  await forward(clients, steered, [], signal);
}
