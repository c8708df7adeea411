/**
 * The blue/green cutover of one fleet, independent of the IaC front end: wait until the new generation is
 * healthy, move the listener's weights to it step by step with a bake (watching alarms) after each, then
 * retire the previous generation. Any failure or cancellation rolls back before the error is thrown:
 * traffic returns to the previous group, the new group is scaled to zero. Nothing is left half-moved.
 */
import { childSignal, sleep } from "../engine/abort";
import { errorMessage } from "../engine/errors";
import { type FleetClients, firingAlarms, fleetClients, forward, groupState, type Steered, setCapacity } from "./aws";
import { AlarmFiredError, type RollbackOutcome, RolloutError, UnhealthyGenerationError } from "./errors";
import { parseRolloutInput, type RolloutSettings } from "./input";
import {
  type HealthVerdict,
  healthThresholds,
  judgeHealth,
  pollDelay,
  type Retirement,
  retirement,
  rollbackPlan,
  type TrafficStep,
  weightSchedule,
} from "./plan";

export type { RolloutInput, RolloutSettings } from "./input";
export { parseRolloutInput, rolloutInputSchema } from "./input";

export interface RolloutOptions {
  /** Cancels the rollout; it is then rolled back and rejects with a RolloutError coded CANCELLED. */
  readonly signal?: AbortSignal;
  /** Progress lines, one per event. */
  readonly log?: (line: string) => void;
  /** Credentials (tests); the SDK's default chain otherwise. */
  readonly credentials?: Parameters<typeof fleetClients>[2];
}

export interface RolloutResult {
  /** The group now carrying the traffic. */
  readonly group: string;
  /** Instances that passed the health gate. */
  readonly healthyInstances: readonly string[];
  /** Health polls made before it passed. */
  readonly healthPolls: number;
  /** Listener weights applied, in order (empty without a load balancer). */
  readonly steps: readonly TrafficStep[];
  /** What became of the previous generation (absent on a first deploy). */
  readonly previous?: { readonly group: string; readonly retirement: Retirement };
}

/** Bounds the rollback's own calls: it runs after a cancel, so it cannot use the cancelled signal. */
const ROLLBACK_TIMEOUT_MS = 2 * 60_000;

/** Validates `input` (throwing a ConfigError naming the field, before any call) and runs the cutover. */
export async function rollout(input: unknown, options: RolloutOptions = {}): Promise<RolloutResult> {
  const settings = parseRolloutInput(input);
  const clients = fleetClients(settings.region, settings.endpoint, options.credentials);
  try {
    return await cutover(clients, settings, options);
  } finally {
    clients.destroy();
  }
}

/** The cutover over clients the caller owns (it may go on to retire generations with them). */
export async function cutover(
  clients: FleetClients,
  s: RolloutSettings,
  options: RolloutOptions = {},
): Promise<RolloutResult> {
  const log = (line: string) => options.log?.(`fleet '${s.fleet}': ${line}`);
  const { signal } = options;
  const steered = steeredOf(s);
  const schedule = steered ? weightSchedule(s.canarySteps, s.previous !== undefined) : [];
  // Counted before each listener call: a call cut off by a cancel may still have landed.
  let stepsAttempted = 0;
  try {
    const { verdict, polls } = await waitHealthy(clients, s, log, signal);
    for (const step of schedule) {
      stepsAttempted++;
      await forward(clients, steered as Steered, weightsOf(s, step), signal);
      log(`${step.newWeight}% of traffic on ${s.target.group}`);
      await bake(clients, s, step.newWeight, log, signal);
    }
    if (!steered) await bake(clients, s, undefined, log, signal);
    const previous = s.previous && { group: s.previous.group, retirement: retirement(s.keepPrevious) };
    if (previous?.retirement === "scale-to-zero") {
      await setCapacity(clients, previous.group, { min: 0, max: s.capacity.max, desired: 0 }, signal);
      log(`kept ${previous.group}, scaled to 0`);
    }
    return { group: s.target.group, healthyInstances: verdict.ready, healthPolls: polls, steps: schedule, previous };
  } catch (error) {
    log(`rolling back: ${errorMessage(error)}`);
    const outcome = await rollBack(clients, s, stepsAttempted);
    throw new RolloutError(
      s.fleet,
      { target: s.target.group, previous: s.previous?.group },
      stepsAttempted,
      outcome,
      error,
    );
  }
}

/** The listener or listener rule a rollout steers, if any. */
export function steeredOf(s: RolloutSettings): Steered | undefined {
  if (s.listenerArn) return { listenerArn: s.listenerArn };
  if (s.listenerRuleArn) return { listenerRuleArn: s.listenerRuleArn };
  return undefined;
}

function weightsOf(s: RolloutSettings, step: TrafficStep) {
  const weights = [{ targetGroupArn: s.target.targetGroupArn as string, weight: step.newWeight }];
  if (s.previous) weights.push({ targetGroupArn: s.previous.targetGroupArn as string, weight: step.oldWeight });
  return weights;
}

/**
 * Polls the new group until enough instances are InService, Healthy and healthy in its target group,
 * backing off between polls. A group found below its planned capacity (scaled to zero by an earlier
 * rollback, or kept by `keepPrevious` and now switched back to) is given it back first.
 */
async function waitHealthy(
  clients: FleetClients,
  s: RolloutSettings,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<{ verdict: HealthVerdict; polls: number }> {
  const t = healthThresholds(s.capacity.desired, {
    minHealthyPercent: s.health.minHealthyPercent,
    timeoutMs: s.health.timeout,
    pollMs: s.health.pollInterval,
    maxPollMs: s.health.maxPollInterval,
  });
  const deadline = Date.now() + t.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    let state = await groupState(clients, s.target, signal);
    if (attempt === 0 && state.desired !== s.capacity.desired) {
      log(`restoring ${s.target.group} to ${s.capacity.desired} instances (it had ${state.desired})`);
      await setCapacity(clients, s.target.group, s.capacity, signal);
      // Judged on what the group has now, not on the empty group read before.
      state = await groupState(clients, s.target, signal);
    }
    const verdict = judgeHealth(state.instances, t.minHealthy);
    if (verdict.healthy) {
      log(`${s.target.group} healthy: ${verdict.ready.length} instance(s) after ${attempt + 1} poll(s)`);
      return { verdict, polls: attempt + 1 };
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new UnhealthyGenerationError(s.target.group, t.timeoutMs, t.minHealthy, verdict);
    await sleep(Math.min(left, pollDelay(t, attempt)), signal);
  }
}

/** Waits `bakeTime`, checking the alarms at every poll interval and once at the end. */
async function bake(
  clients: FleetClients,
  s: RolloutSettings,
  percent: number | undefined,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const end = Date.now() + s.bakeTime;
  if (s.bakeTime > 0) log(`baking for ${s.bakeTime} ms`);
  for (;;) {
    const firing = await firingAlarms(clients, s.alarmNames, signal);
    if (firing.length > 0) throw new AlarmFiredError(firing, percent);
    const left = end - Date.now();
    if (left <= 0) return;
    await sleep(s.alarmNames.length ? Math.min(left, s.health.pollInterval) : left, signal);
  }
}

/** Undoes what the cutover did, each action attempted even when another fails. */
async function rollBack(clients: FleetClients, s: RolloutSettings, stepsApplied: number): Promise<RollbackOutcome> {
  const plan = rollbackPlan({ stepsApplied, hasPrevious: s.previous !== undefined });
  const { signal, dispose } = childSignal(undefined, ROLLBACK_TIMEOUT_MS, `fleet '${s.fleet}' rollback`);
  const failures: string[] = [];
  const attempt = async (what: string, action: () => Promise<void>) => {
    try {
      await action();
      return true;
    } catch (error) {
      failures.push(`${what}: ${errorMessage(error)}`);
      return false;
    }
  };
  try {
    const steered = steeredOf(s);
    const previous = s.previous;
    const listenerRestored =
      plan.restoreListener && steered && previous
        ? await attempt(`pointing the listener back at ${previous.group}`, () =>
            forward(clients, steered, [{ targetGroupArn: previous.targetGroupArn as string, weight: 100 }], signal),
          )
        : false;
    const newGroupScaledToZero = await attempt(`scaling ${s.target.group} to 0`, () =>
      setCapacity(clients, s.target.group, { min: 0, max: 0, desired: 0 }, signal),
    );
    return { listenerRestored, newGroupScaledToZero, failures };
  } finally {
    dispose();
  }
}
