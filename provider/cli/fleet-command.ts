import { CancelledError, ConfigError } from "../engine/errors";
import { fleetClients } from "../fleet/aws";
import { parseRolloutInput, rollout } from "../fleet/rollout";
import { servingGeneration } from "../fleet/serving";
import { reportError } from "./exit";

/** The environment variable `kiln fleet rollout` reads its input from (Terraform passes it from `self.input`). */
export const ROLLOUT_ENV = "KILN_ROLLOUT_REQUEST";

/**
 * `kiln fleet rollout`: the blue/green cutover of provider/fleet/rollout.ts as a command, run by the CDKTF
 * ImmutableFleet from Terraform's local-exec once the new group exists. Without `previous` in the input,
 * the generation the listener serves now is the previous one. A failure or Ctrl-C rolls back (traffic to
 * the previous group, the new group scaled to zero) and exits non-zero, so Terraform stops before
 * destroying the previous generation.
 */
export async function runFleetRollout(): Promise<number> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => controller.abort(new CancelledError(`interrupted by ${name}`));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const log = (line: string) => process.stdout.write(`[kiln] ${line}\n`);
  try {
    const raw = readInput(process.env[ROLLOUT_ENV]);
    const settings = parseRolloutInput(raw);
    const steered = settings.listenerArn
      ? { listenerArn: settings.listenerArn }
      : settings.listenerRuleArn
        ? { listenerRuleArn: settings.listenerRuleArn }
        : undefined;
    let previous = settings.previous;
    if (!previous && steered) {
      const clients = fleetClients(settings.region, settings.endpoint);
      try {
        previous = await servingGeneration(clients, steered, settings.target, controller.signal);
      } finally {
        clients.destroy();
      }
    }
    log(`fleet '${settings.fleet}': ${settings.target.group} replaces ${previous?.group ?? "nothing (first deploy)"}`);
    const result = await rollout({ ...raw, ...(previous ? { previous } : {}) }, { signal: controller.signal, log });
    log(`fleet '${settings.fleet}': ${result.group} serves (${result.healthyInstances.length} healthy instance(s))`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

function readInput(text: string | undefined): Record<string, unknown> {
  if (!text) throw new ConfigError([{ field: ROLLOUT_ENV, message: "no rollout input given" }]);
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([{ field: ROLLOUT_ENV, message: `not JSON: ${(error as Error).message}` }]);
  }
}
