/** Why a rollout stopped, each error carrying what the message says as fields. */
import { errorMessage, formatMs, isCancellation, KilnError } from "../engine/errors";
import type { HealthVerdict } from "./plan";

/** The new generation did not pass its health gate in time. */
export class UnhealthyGenerationError extends KilnError {
  readonly group: string;
  readonly verdict: HealthVerdict;
  readonly minHealthy: number;
  constructor(group: string, timeoutMs: number, minHealthy: number, verdict: HealthVerdict) {
    const unhealthy = verdict.unhealthy.map((u) => `${u.id} (${u.reason})`).join(", ") || "none launched";
    super(
      "FLEET_UNHEALTHY",
      `group ${group} did not become healthy within ${formatMs(timeoutMs)}: ${verdict.ready.length} of ${minHealthy} needed instances healthy; unhealthy: ${unhealthy}`,
    );
    this.group = group;
    this.verdict = verdict;
    this.minHealthy = minHealthy;
  }
}

/** A watched CloudWatch alarm was in ALARM during a bake. */
export class AlarmFiredError extends KilnError {
  readonly alarms: readonly { name: string; reason: string }[];
  constructor(alarms: readonly { name: string; reason: string }[], stepPercent: number | undefined) {
    const names = alarms.map((a) => `${a.name}${a.reason ? ` (${a.reason})` : ""}`).join(", ");
    super(
      "FLEET_ALARM",
      `alarm ${names} fired${stepPercent === undefined ? "" : ` with ${stepPercent}% of traffic on the new group`}`,
    );
    this.alarms = alarms;
  }
}

/** What the rollback did, or why it could not. */
export interface RollbackOutcome {
  readonly listenerRestored: boolean;
  readonly newGroupScaledToZero: boolean;
  readonly failures: readonly string[];
}

/** A rollout failed or was cancelled and was rolled back: the whole story in one object. */
export class RolloutError extends KilnError {
  readonly fleet: string;
  readonly group: string;
  readonly previousGroup?: string;
  readonly stepsApplied: number;
  readonly rollback: RollbackOutcome;
  constructor(
    fleet: string,
    groups: { target: string; previous?: string },
    stepsApplied: number,
    rollback: RollbackOutcome,
    cause: unknown,
  ) {
    const cancelled = isCancellation(cause);
    super(
      cancelled ? "CANCELLED" : ((cause as { code?: string }).code ?? "ROLLOUT_FAILED"),
      `fleet '${fleet}': rollout to ${groups.target} ${cancelled ? "was cancelled" : "failed"}: ${errorMessage(cause)}. ${describeRollback(groups, stepsApplied, rollback)}`,
      { cause },
    );
    this.fleet = fleet;
    this.group = groups.target;
    this.previousGroup = groups.previous;
    this.stepsApplied = stepsApplied;
    this.rollback = rollback;
  }
}

function describeRollback(groups: { target: string; previous?: string }, steps: number, r: RollbackOutcome): string {
  const traffic = steps === 0 ? "stayed" : r.listenerRestored ? "back" : undefined;
  const done = [
    groups.previous && traffic ? `traffic ${traffic} on ${groups.previous}` : undefined,
    r.newGroupScaledToZero ? `${groups.target} scaled to 0` : undefined,
  ].filter(Boolean);
  const rolledBack = done.length ? `Rolled back: ${done.join("; ")}.` : "";
  return r.failures.length ? `${rolledBack} Rollback FAILED, fix by hand: ${r.failures.join("; ")}` : rolledBack;
}
