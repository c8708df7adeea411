/**
 * Pure planning for an immutable blue/green fleet rollout: the names of one generation, the listener
 * weights per canary step, health thresholds and poll delays, what happens to the previous generation and
 * what a failed rollout undoes. No cloud or IaC imports: the Pulumi component, the rollout procedure and
 * the CDKTF helper all plan with these, so they agree on names and steps.
 */
import { createHash } from "node:crypto";
import { invalidValue } from "../engine/errors";
import { goJson } from "../util/go-json";

/** The resources of one generation of the fleet: one image, one launch template, group and target group. */
export interface GenerationNames {
  /** Short hash of the image (or its fingerprint): the same image always yields the same names. */
  readonly key: string;
  /** Launch template name (≤ 128 characters of `[A-Za-z0-9().\-/_]`). */
  readonly launchTemplate: string;
  /** Auto Scaling group name (≤ 255 characters). */
  readonly group: string;
  /** Target group name (≤ 32 characters, letters, digits and hyphens, no hyphen at either end). */
  readonly targetGroup: string;
}

/** Length of the generation key, in hex digits: 32 bits tell apart the handful of live generations. */
export const GENERATION_KEY_LENGTH = 8;
const TARGET_GROUP_NAME_MAX = 32;
const LAUNCH_TEMPLATE_NAME_MAX = 128;
const GROUP_NAME_MAX = 255;

/**
 * The generation key of an image: a hash of its ID (or content fingerprint), so a new image gives new
 * names, and IaC engines create the new generation before deleting the old one.
 */
export function generationKey(image: string): string {
  if (image.trim() === "") throw invalidValue("generationKey", "the image ID is empty");
  return createHash("sha256").update(image).digest("hex").slice(0, GENERATION_KEY_LENGTH);
}

/** Names of the generation of fleet `fleet` running `image`, each within its service's limits. */
export function generationNames(fleet: string, image: string): GenerationNames {
  return generationNamesForKey(fleet, generationKey(image));
}

/** The names of fleet `fleet`'s generation `key` (from `generationKey`). */
export function generationNamesForKey(fleet: string, key: string): GenerationNames {
  const base = fleet.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "fleet";
  const within = (max: number) => `${base.slice(0, max - key.length - 1).replace(/-+$/, "")}-${key}`;
  return {
    key,
    launchTemplate: within(LAUNCH_TEMPLATE_NAME_MAX),
    group: within(GROUP_NAME_MAX),
    targetGroup: within(TARGET_GROUP_NAME_MAX),
  };
}

/** Listener weights during one traffic step: ALB weights are relative, 0–999; we use percentages. */
export interface TrafficStep {
  /** Share of requests sent to the new generation, percent. */
  readonly newWeight: number;
  /** Share left on the previous generation, percent (0 on the last step). */
  readonly oldWeight: number;
}

/**
 * Turns canary percentages such as `[10, 50]` into listener weights per step, always ending at 100 %
 * on the new generation. Without a previous generation there is nothing to share with: one step.
 */
export function weightSchedule(canarySteps: readonly number[], hasPrevious = true): TrafficStep[] {
  const problem = canaryStepsProblem(canarySteps);
  if (problem) throw invalidValue("canarySteps", problem);
  const percents = hasPrevious ? [...canarySteps.filter((p) => p < 100), 100] : [100];
  return percents.map((p) => ({ newWeight: p, oldWeight: 100 - p }));
}

/** Why a list of canary percentages is unusable, or undefined when it is fine. */
export function canaryStepsProblem(canarySteps: readonly number[]): string | undefined {
  for (const [i, p] of canarySteps.entries()) {
    if (!Number.isInteger(p) || p < 1 || p > 100) return `step ${i} is ${p}; each step is a whole percentage, 1 to 100`;
    const before = canarySteps[i - 1];
    if (before !== undefined && p <= before) return `step ${i} (${p}) must be larger than step ${i - 1} (${before})`;
  }
  return undefined;
}

/** How long and how often to wait for a new generation to become healthy. */
export interface HealthThresholds {
  /** Instances that must be InService and Healthy in the group, and healthy in its target group. */
  readonly minHealthy: number;
  /** Give up (and roll back) after this long. */
  readonly timeoutMs: number;
  /** First delay between polls. */
  readonly pollMs: number;
  /** Delays grow by `backoff` up to this. */
  readonly maxPollMs: number;
  readonly backoff: number;
}

/** Defaults: AWS's own waiters poll Auto Scaling every 15 s; start faster and slow down to that. */
export const DEFAULT_HEALTH = {
  timeoutMs: 10 * 60_000,
  pollMs: 5_000,
  maxPollMs: 15_000,
  backoff: 1.5,
} as const;

/**
 * The health gate for a group of `desired` instances: `minHealthyPercent` of them (rounded up, at least
 * one when any are desired) must be healthy, as Terraform's `wait_for_elb_capacity` requires of all.
 */
export function healthThresholds(
  desired: number,
  options: { minHealthyPercent?: number; timeoutMs?: number; pollMs?: number; maxPollMs?: number } = {},
): HealthThresholds {
  const percent = options.minHealthyPercent ?? 100;
  if (!Number.isInteger(desired) || desired < 0)
    throw invalidValue("desiredCapacity", `${desired} is not a whole number ≥ 0`);
  if (!(percent > 0 && percent <= 100)) throw invalidValue("minHealthyPercent", `${percent} is not in (0, 100]`);
  const pollMs = options.pollMs ?? DEFAULT_HEALTH.pollMs;
  const maxPollMs = Math.max(pollMs, options.maxPollMs ?? Math.max(pollMs, DEFAULT_HEALTH.maxPollMs));
  return {
    minHealthy: desired === 0 ? 0 : Math.max(1, Math.ceil((desired * percent) / 100)),
    timeoutMs: options.timeoutMs ?? DEFAULT_HEALTH.timeoutMs,
    pollMs,
    maxPollMs,
    backoff: DEFAULT_HEALTH.backoff,
  };
}

/** The delay before poll number `attempt` (0-based): geometric backoff capped at `maxPollMs`. */
export function pollDelay(thresholds: Pick<HealthThresholds, "pollMs" | "maxPollMs" | "backoff">, attempt: number) {
  return Math.min(thresholds.maxPollMs, Math.round(thresholds.pollMs * thresholds.backoff ** attempt));
}

/** One instance of the new group as the APIs report it. */
export interface InstanceHealth {
  readonly id: string;
  /** Auto Scaling lifecycle state, e.g. `InService`, `Pending`. */
  readonly lifecycle: string;
  /** Auto Scaling health status: `Healthy` or `Unhealthy`. */
  readonly status: string;
  /** Target state per target group it should be in (`healthy`, `initial`, `unused`…); empty without one. */
  readonly targets: readonly string[];
}

export interface HealthVerdict {
  readonly healthy: boolean;
  /** Instances counted healthy. */
  readonly ready: readonly string[];
  /** Instances not (yet) healthy, with why: named in the error when the wait gives up. */
  readonly unhealthy: readonly { id: string; reason: string }[];
}

/**
 * Whether a generation passes its health gate: an instance counts when it is InService, Healthy, and
 * `healthy` in every target group it belongs to (the `waitForElbCapacity` rule).
 */
export function judgeHealth(instances: readonly InstanceHealth[], minHealthy: number): HealthVerdict {
  const ready: string[] = [];
  const unhealthy: { id: string; reason: string }[] = [];
  for (const i of instances) {
    const reason =
      i.lifecycle !== "InService"
        ? `lifecycle ${i.lifecycle}`
        : i.status !== "Healthy"
          ? `health ${i.status}`
          : i.targets.find((t) => t !== "healthy");
    if (reason === undefined) ready.push(i.id);
    else unhealthy.push({ id: i.id, reason: i.targets.includes(reason) ? `target ${reason}` : reason });
  }
  return { healthy: ready.length >= minHealthy, ready, unhealthy };
}

/** What becomes of the previous generation once the new one carries all traffic. */
export type Retirement = "scale-to-zero" | "leave-to-engine";

/**
 * `keepPrevious` keeps the old group (scaled to zero, so switching back to it needs no new resources,
 * see `planSlots`); otherwise the rollout leaves it to the IaC engine, which deletes it at the end of the update.
 */
export function retirement(keepPrevious: boolean): Retirement {
  return keepPrevious ? "scale-to-zero" : "leave-to-engine";
}

/** What undoing a failed or cancelled rollout does. */
export interface RollbackPlan {
  /** Point the listener back at the previous generation alone (only when traffic was moved at all). */
  readonly restoreListener: boolean;
  /** The new group keeps no instances: it takes no traffic and costs nothing; its resources stay in state. */
  readonly scaleNewToZero: boolean;
}

/**
 * The rollback for a rollout that stopped after `stepsApplied` traffic steps. Traffic goes back to the
 * previous generation when it had moved and there is one to go back to; the new generation is scaled to
 * zero in every case. The previous group is never scaled down before the new one carries everything, so
 * it is still whole. On a first deploy the listener keeps forwarding to the new, now empty, target group.
 */
export function rollbackPlan(state: { stepsApplied: number; hasPrevious: boolean }): RollbackPlan {
  return { restoreListener: state.stepsApplied > 0 && state.hasPrevious, scaleNewToZero: true };
}

/**
 * What an instance boots from. Any change to it is a new generation (new launch template, group and
 * target group, blue/green), not an in-place launch template update that only new instances would see.
 */
export interface LaunchSpec {
  readonly imageId: string;
  readonly instanceType: string;
  readonly userData?: string;
  readonly securityGroupIds?: readonly string[];
  readonly instanceProfile?: string;
  readonly keyName?: string;
  readonly requireImdsv2: boolean;
  /** Tags the instances and their volumes are launched with. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A canonical text of a launch spec, to hash with `generationKey`: fields in a fixed order, security
 * groups and tags sorted, absent fields left out, so equal specs always give the same generation names.
 * It contains the user data: hash it, never store or log it.
 */
export function launchFingerprint(spec: LaunchSpec): string {
  const tags = spec.tags && Object.entries(spec.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    spec.imageId,
    spec.instanceType,
    spec.userData ?? null,
    spec.securityGroupIds ? [...spec.securityGroupIds].sort() : null,
    spec.instanceProfile ?? null,
    spec.keyName ?? null,
    spec.requireImdsv2,
    tags?.length ? tags : null,
  ]);
}

/** What a CDKTF fleet's generation key covers: what an instance boots from, in Terraform's values. */
export interface TerraformLaunch {
  readonly imageId: string;
  readonly instanceType: string;
  readonly userData: string;
  readonly securityGroupIds: readonly string[];
}

/**
 * The generation key Terraform computes for a CDKTF fleet, `substr(sha256(jsonencode([image, type, user
 * data, sort(security groups)])), 0, 8)`: the same function here, so tests can name the generation a
 * launch template belongs to (Terraform's jsonencode writes JSON as Go does).
 */
export function terraformLaunchKey(launch: TerraformLaunch): string {
  const text = goJson([launch.imageId, launch.instanceType, launch.userData, [...launch.securityGroupIds].sort()]);
  return createHash("sha256").update(text).digest("hex").slice(0, GENERATION_KEY_LENGTH);
}

/**
 * With `keepPrevious`, a fleet has two slots, each holding one generation (by key): the live one and the
 * one kept scaled to zero. `live` is the slot meant to carry the traffic.
 */
export interface SlotState {
  readonly keys: readonly [string, string];
  readonly live: 0 | 1;
}

/**
 * What a deploy of generation `key` does to the slots:
 * - `first`: no slots yet; both start with `key`, the second as an empty stand-by;
 * - `unchanged`: `key` is live already;
 * - `return-to-kept`: `key` is the kept generation: it becomes live as it is (no new resources): the
 *   instant rollback;
 * - `new-generation`: `key` replaces the kept generation's slot and becomes live; the generation
 *   that was live is kept in its turn.
 */
export type SlotMove = "first" | "unchanged" | "return-to-kept" | "new-generation";

/** Where generation `key` goes, given the slots of the last deploy. Pure: the FleetSlots resource runs it. */
export function planSlots(previous: SlotState | undefined, key: string): { state: SlotState; move: SlotMove } {
  if (key.trim() === "") throw invalidValue("planSlots", "the generation key is empty");
  if (!previous) return { state: { keys: [key, key], live: 0 }, move: "first" };
  const kept = previous.live === 0 ? 1 : 0;
  if (previous.keys[previous.live] === key) return { state: previous, move: "unchanged" };
  if (previous.keys[kept] === key) return { state: { keys: previous.keys, live: kept }, move: "return-to-kept" };
  const keys: [string, string] = [previous.keys[0], previous.keys[1]];
  keys[kept] = key;
  return { state: { keys, live: kept }, move: "new-generation" };
}
