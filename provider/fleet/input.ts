/**
 * The rollout's input: a plain JSON object, so the Pulumi dynamic resource, the `kiln` CLI (run by the
 * CDKTF helper's local-exec) and tests can all hand it over. Validated before any cloud call; every
 * message names the field.
 */
import { z } from "zod";
import { ConfigError } from "../engine/errors";
import { duration } from "../util/duration";
import type { RolloutInput } from "./input-types";
import { canaryStepsProblem, DEFAULT_HEALTH } from "./plan";

const name = z.string().trim().min(1, "must not be empty");
const arn = z.string().regex(/^arn:[^:]+:elasticloadbalancing:/, "must be an Elastic Load Balancing ARN");
const count = z.number().int("must be a whole number").min(0, "must be ≥ 0");

/** One generation as the rollout sees it: its Auto Scaling group and, behind a load balancer, its target group. */
const generationSchema = z.strictObject({
  /** Auto Scaling group name. */
  group: name,
  /** Target group the group's instances register in; absent without a load balancer. */
  targetGroupArn: arn.optional(),
});

export const rolloutInputSchema = z
  .strictObject({
    /** Name shown in messages, e.g. the component's name. */
    fleet: name,
    region: name,
    /** Custom AWS endpoint (moto, a VPC endpoint); the SDK's default otherwise. */
    endpoint: z.url().optional(),
    /** The new generation: receives traffic once healthy. */
    target: generationSchema,
    /** The generation serving now; absent on a first deploy. */
    previous: generationSchema.optional(),
    /** Capacity of the new group, restored on a retry after a rollback scaled it to zero. */
    capacity: z.strictObject({ min: count, max: count, desired: count }),
    /** The listener whose default action forwards to the fleet. */
    listenerArn: arn.optional(),
    /** Or the listener rule whose forward action is steered instead. */
    listenerRuleArn: arn.optional(),
    /** Canary percentages before 100 %, e.g. [10, 50]. */
    canarySteps: z
      .array(z.number())
      .default([])
      .superRefine((steps, ctx) => {
        const problem = canaryStepsProblem(steps);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    /** Wait after each traffic step, watching `alarmNames`: Go duration or seconds. */
    bakeTime: duration.default(0),
    /** CloudWatch alarms that abort and roll back the rollout when in ALARM during a bake. */
    alarmNames: z.array(name).default([]),
    /** Keep the previous group, scaled to zero, instead of leaving it to the IaC engine to delete. */
    keepPrevious: z.boolean().default(false),
    health: z
      .strictObject({
        /** Give up waiting for the new group after this long. */
        timeout: duration.default(DEFAULT_HEALTH.timeoutMs),
        /** Share of the desired capacity that must be healthy, percent. */
        minHealthyPercent: z.number().gt(0, "must be > 0").max(100, "must be ≤ 100").default(100),
        /** First delay between health polls; it grows ×1.5 up to `maxPollInterval`. */
        pollInterval: duration.default(DEFAULT_HEALTH.pollMs),
        maxPollInterval: duration.default(DEFAULT_HEALTH.maxPollMs),
      })
      .default({
        timeout: DEFAULT_HEALTH.timeoutMs,
        minHealthyPercent: 100,
        pollInterval: DEFAULT_HEALTH.pollMs,
        maxPollInterval: DEFAULT_HEALTH.maxPollMs,
      }),
  })
  .superRefine((input, ctx) => {
    if (input.listenerArn && input.listenerRuleArn) {
      ctx.addIssue({
        code: "custom",
        path: ["listenerRuleArn"],
        message: "give listenerArn or listenerRuleArn, not both",
      });
    }
    const steered = input.listenerArn ?? input.listenerRuleArn;
    if (steered && !input.target.targetGroupArn) {
      ctx.addIssue({ code: "custom", path: ["target", "targetGroupArn"], message: "is required to steer a listener" });
    }
    if (steered && input.previous && !input.previous.targetGroupArn) {
      ctx.addIssue({
        code: "custom",
        path: ["previous", "targetGroupArn"],
        message: "is required to steer a listener",
      });
    }
    if (input.previous?.group === input.target.group) {
      ctx.addIssue({ code: "custom", path: ["previous", "group"], message: "is the target group itself" });
    }
    const { min, max, desired } = input.capacity;
    if (min > desired || desired > max) {
      ctx.addIssue({
        code: "custom",
        path: ["capacity"],
        message: `needs min ≤ desired ≤ max, got ${min}/${desired}/${max}`,
      });
    }
  });

/** The input as callers write it (durations as text or seconds, defaults optional). */
export type { RolloutInput } from "./input-types";

type Assert<T extends true> = T;
type SchemaInput = z.input<typeof rolloutInputSchema>;
// The plain interface and the schema accept the same objects, both ways: a field changed in one alone
// fails the build here.
export type RolloutInputMatchesSchema = Assert<
  SchemaInput extends RolloutInput ? (RolloutInput extends SchemaInput ? true : false) : false
>;
/** The input after validation: durations in milliseconds, defaults filled in. */
export type RolloutSettings = z.output<typeof rolloutInputSchema>;
export type Generation = RolloutSettings["target"];

/** Validates a rollout input, throwing a ConfigError whose problems name each bad field. */
export function parseRolloutInput(raw: unknown): RolloutSettings {
  const parsed = rolloutInputSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    parsed.error.issues.map((i) => ({ field: `rollout.${i.path.join(".")}`.replace(/\.$/, ""), message: i.message })),
  );
}
