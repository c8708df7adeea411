/** Retiring a fleet's traffic: the engine deletes the generations themselves (each is a resource it owns). */
import { type FleetClients, forward, type Steered } from "./aws";

/** One generation's resources, as the rollout steers and scales them. */
export interface GenerationResources {
  readonly group: string;
  readonly targetGroupArn?: string;
  readonly launchTemplateId?: string;
}

/** Takes the fleet out of the listener (a 503 answer), so its target groups can be deleted. */
export async function detachListener(clients: FleetClients, steered: Steered, signal?: AbortSignal): Promise<void> {
  await forward(clients, steered, [], signal);
}
