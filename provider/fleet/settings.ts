/**
 * The settings of an `ImmutableFleet`, described once for every front end: name, type, doc with its
 * `@default`, the value checks that name the setting, and which front ends take it. `make generate`
 * writes from it the Pulumi component's argument types and the CDKTF construct's props
 * (provider/generated/fleet-args.ts) and the plugin's `kiln:index:ImmutableFleet` in schema.json; the
 * plugin reads it for how each argument may arrive. Free of AWS, Pulumi and CDKTF imports, like plan.ts.
 *
 * Each setting's `.meta()`:
 * - `pulumi`: taken by the Pulumi component and the plugin, and how its value may arrive: `input` may be
 *   another resource's output (`pulumi.Input`, elements too); `object`: the object or list is known when
 *   the program runs, its entries may be outputs; `plain` must be known (the component plans with it).
 *   `pulumiRequired`: required there.
 * - `cdktf`: taken by the CDKTF construct (`"required"` or `"optional"`); its values are literals or tokens.
 * - `docs`: a front end's own doc where the shared one would be wrong for it.
 * - `typeName`: the name of a nested object's generated interface.
 * - `defaultValue`: the constant default (from FLEET_DEFAULTS), which the doc's `@default` states.
 */
import { z } from "zod";
import { parseDuration } from "../util/duration";
import { canaryStepsProblem } from "./plan";

export type PulumiArgKind = "input" | "object" | "plain";

interface SettingMeta {
  readonly description: string;
  /** The constant the front ends use when the setting is not given; the doc's `@default` is written from it. */
  readonly defaultValue?: unknown;
  readonly pulumi?: PulumiArgKind;
  readonly pulumiRequired?: true;
  readonly cdktf?: "required" | "optional";
  readonly docs?: { readonly pulumi?: string; readonly cdktf?: string };
  readonly typeName?: string;
}

/** A setting: its schema (value checks with their reasons) and where it is taken. */
const setting = <T extends z.ZodType>(schema: T, meta: SettingMeta) => schema.optional().meta({ ...meta });

const duration = z.string().superRefine((value, ctx) => {
  try {
    parseDuration(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});
const port = z
  .number()
  .refine((v) => Number.isInteger(v) && v >= 1 && v <= 65535, { error: (i) => `${i.input} is not a port (1–65535)` });
const strings = z.array(z.string());
const count = z
  .number()
  .refine((n) => Number.isInteger(n) && n >= 0, { error: (i) => `${i.input} is not a whole number ≥ 0` });

/**
 * The constant defaults, by setting (a nested object's by field): the front ends apply these and the docs'
 * `@default` is written from them (`defaultValue` in a setting's meta), so they cannot disagree.
 */
export const FLEET_DEFAULTS = {
  capacity: { min: 1 },
  loadBalancer: { port: 80, internal: false },
  targetGroup: { port: 80, protocol: "HTTP", healthCheckPath: "/", deregistrationDelay: 30 },
  tags: {},
  requireImdsv2: true,
  healthCheckGracePeriod: 60,
  desiredCapacity: 2,
  port: 80,
  instancePort: 80,
  healthCheckPath: "/",
  deregistrationDelay: 30,
  canarySteps: [],
  bakeTime: "0s",
  alarmNames: [],
  healthCheckTimeout: "10m",
  healthTimeout: "10m",
  minHealthyPercent: 100,
  keepPrevious: false,
} as const;

const capacity = z
  .object({
    min: z.number().optional().meta({ defaultValue: FLEET_DEFAULTS.capacity.min }),
    max: z.number().optional().describe("@default - the larger of `min` and `desired`"),
    desired: z.number().optional().describe("@default - `min`"),
  })
  .meta({ typeName: "FleetCapacity", description: "How many instances the group runs." });

const loadBalancer = z
  .object({
    vpcId: z.string().meta({ description: "The VPC of the load balancer and the target groups.", pulumi: "input" }),
    subnetIds: strings.optional().meta({
      description:
        "Subnets of the load balancer, in at least two Availability Zones. @default - the fleet's `subnetIds`",
      pulumi: "input",
    }),
    securityGroupIds: strings
      .optional()
      .meta({ description: "@default - the VPC's default security group", pulumi: "input" }),
    port: z.number().optional().meta({ description: "Listener port.", defaultValue: FLEET_DEFAULTS.loadBalancer.port }),
    internal: z.boolean().optional().meta({ defaultValue: FLEET_DEFAULTS.loadBalancer.internal }),
  })
  .meta({
    typeName: "FleetLoadBalancer",
    description: "An Application Load Balancer and HTTP listener created for the fleet.",
  });

const targetGroup = z
  .object({
    port: z
      .number()
      .optional()
      .meta({ description: "Port the instances serve on.", defaultValue: FLEET_DEFAULTS.targetGroup.port }),
    protocol: z.enum(["HTTP", "HTTPS"]).optional().meta({ defaultValue: FLEET_DEFAULTS.targetGroup.protocol }),
    healthCheckPath: z.string().optional().meta({ defaultValue: FLEET_DEFAULTS.targetGroup.healthCheckPath }),
    deregistrationDelay: z.number().optional().meta({
      description: "Seconds a deregistering target keeps its connections.",
      defaultValue: FLEET_DEFAULTS.targetGroup.deregistrationDelay,
    }),
  })
  .meta({ typeName: "FleetTargetGroup", description: "The target group each generation gets." });

const LAUNCH_CHANGE = "a change is a new generation (blue/green)";

export const fleetSettings = z.object({
  imageId: setting(
    z
      .string()
      .refine((v) => /^ami-[0-9a-f]+$/.test(v), { error: (i) => `${JSON.stringify(i.input)} is not an AMI ID` }),
    {
      description:
        "The AMI the instances boot from, e.g. a `BakedImage`'s `imageId`. Like every launch setting, a change brings up a new generation blue/green; it never updates the running one in place.",
      docs: {
        pulumi:
          "The AMI the instances boot from. Give this or `image`. Like every launch setting (`instanceType`, `securityGroupIds`, `instanceProfile`, `userData`, `keyName`, `requireImdsv2`, `tags`), a change brings up a new generation blue/green; it never updates the running one in place. @default - `image`'s ID",
        cdktf:
          "The image every instance of a generation runs, e.g. `BakedImage.imageId`. A new image is a new generation; so is a new instance type, user data or set of security groups (immutable: nothing an instance boots from changes in place). Capacity, subnets and health settings update in place.",
      },
      pulumi: "input",
      cdktf: "required",
    },
  ),
  instanceType: setting(z.string(), {
    description: `EC2 instance type, e.g. \`t3.micro\`; ${LAUNCH_CHANGE}.`,
    pulumi: "input",
    pulumiRequired: true,
    cdktf: "required",
  }),
  subnetIds: setting(strings, {
    description: "Subnets the instances run in; updated in place.",
    pulumi: "input",
    pulumiRequired: true,
    cdktf: "required",
  }),
  securityGroupIds: setting(strings, {
    description: `Security groups of the instances; ${LAUNCH_CHANGE}. @default - the VPC's default security group`,
    pulumi: "input",
    cdktf: "optional",
  }),
  instanceProfile: setting(z.string(), {
    description: `IAM instance profile, by name or ARN; ${LAUNCH_CHANGE}. @default - none`,
    pulumi: "input",
  }),
  userData: setting(z.string(), {
    description:
      "Script or cloud-init run at first boot, as plain text (encoded by Kiln). A change is a new generation (blue/green), as an image change is: instances never run a user data they did not boot with. @default - none",
    docs: {
      cdktf: "User data script (plain text); a change is a new generation (blue/green). @default - a no-op script",
    },
    pulumi: "input",
    cdktf: "optional",
  }),
  keyName: setting(z.string(), {
    description: `EC2 key pair name; ${LAUNCH_CHANGE}. @default - none`,
    pulumi: "input",
  }),
  tags: setting(z.record(z.string(), z.string()), {
    description:
      "Tags on every resource, propagated to instances and their volumes. Instances are tagged at launch, so a change is a new generation (blue/green).",
    defaultValue: FLEET_DEFAULTS.tags,
    pulumi: "object",
  }),
  capacity: setting(capacity, {
    description:
      "How many instances the group runs; updated in place, never a new generation. @default { min: 1, max: 1, desired: 1 }",
    pulumi: "plain",
  }),
  desiredCapacity: setting(count, {
    description: "Instances the group runs; updated in place.",
    defaultValue: FLEET_DEFAULTS.desiredCapacity,
    cdktf: "optional",
  }),
  minSize: setting(count, { description: "@default - `desiredCapacity`", cdktf: "optional" }),
  maxSize: setting(count, { description: "@default - `desiredCapacity`", cdktf: "optional" }),
  requireImdsv2: setting(z.boolean(), {
    description: `Require IMDSv2 session tokens for instance metadata; ${LAUNCH_CHANGE}.`,
    defaultValue: FLEET_DEFAULTS.requireImdsv2,
    pulumi: "plain",
  }),
  healthCheckGracePeriod: setting(
    z.number().refine((g) => Number.isInteger(g) && g >= 0, {
      error: (i) => `${i.input} is not a whole number of seconds`,
    }),
    {
      description: "Seconds after launch before health checks count.",
      defaultValue: FLEET_DEFAULTS.healthCheckGracePeriod,
      pulumi: "plain",
    },
  ),
  listenerArn: setting(
    z.string().refine((v) => /:listener\/app\//.test(v), { error: "is not an ALB listener ARN" }),
    { description: "An existing ALB listener whose default action the fleet steers. @default - none", pulumi: "input" },
  ),
  listenerRuleArn: setting(
    z.string().refine((v) => /:listener-rule\/app\//.test(v), { error: "is not an ALB listener rule ARN" }),
    {
      description: "An existing listener rule whose forward action the fleet steers. @default - none",
      pulumi: "input",
    },
  ),
  loadBalancer: setting(loadBalancer, {
    description:
      "Create an ALB and listener for the fleet. @default - none: `listenerArn`, `listenerRuleArn` or no load balancer",
    pulumi: "object",
  }),
  loadBalancerArn: setting(z.string(), {
    description: "The load balancer the fleet serves behind; the fleet owns its listener on `port`.",
    cdktf: "required",
  }),
  port: setting(port, {
    description: "Port of the fleet's listener.",
    defaultValue: FLEET_DEFAULTS.port,
    cdktf: "optional",
  }),
  vpcId: setting(z.string(), {
    description: "VPC of the target groups, with `listenerArn` or `listenerRuleArn`. @default - `loadBalancer.vpcId`",
    docs: { cdktf: "VPC of the target groups." },
    pulumi: "input",
    cdktf: "required",
  }),
  targetGroup: setting(targetGroup, {
    description: "The target group each generation gets.",
    defaultValue: FLEET_DEFAULTS.targetGroup,
    pulumi: "plain",
  }),
  instancePort: setting(port, {
    description: "Port the instances serve on.",
    defaultValue: FLEET_DEFAULTS.instancePort,
    cdktf: "optional",
  }),
  healthCheckPath: setting(z.string(), {
    description: "Path of the target group's HTTP health check.",
    defaultValue: FLEET_DEFAULTS.healthCheckPath,
    cdktf: "optional",
  }),
  deregistrationDelay: setting(z.number(), {
    description: "Seconds a deregistered instance keeps its connections.",
    defaultValue: FLEET_DEFAULTS.deregistrationDelay,
    cdktf: "optional",
  }),
  canarySteps: setting(
    z.array(z.number()).superRefine((steps, ctx) => {
      const problem = canaryStepsProblem(steps);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
    {
      description: "Canary percentages before 100 %, e.g. `[10, 50]`; none: all traffic at once.",
      defaultValue: FLEET_DEFAULTS.canarySteps,
      pulumi: "plain",
      cdktf: "optional",
    },
  ),
  bakeTime: setting(duration, {
    description: "Wait after each traffic step, watching `alarmNames` (Go duration).",
    defaultValue: FLEET_DEFAULTS.bakeTime,
    pulumi: "plain",
    cdktf: "optional",
  }),
  alarmNames: setting(strings, {
    description: "CloudWatch alarms that roll the update back when in ALARM during a bake.",
    defaultValue: FLEET_DEFAULTS.alarmNames,
    pulumi: "object",
    cdktf: "optional",
  }),
  healthCheckTimeout: setting(duration, {
    description: "How long the new group may take to become healthy before the update is rolled back (Go duration).",
    defaultValue: FLEET_DEFAULTS.healthCheckTimeout,
    pulumi: "plain",
  }),
  healthTimeout: setting(duration, {
    description: "How long the new generation has to become healthy (Go duration).",
    defaultValue: FLEET_DEFAULTS.healthTimeout,
    cdktf: "optional",
  }),
  minHealthyPercent: setting(
    z.number().refine((p) => p > 0 && p <= 100, { error: (i) => `${i.input} is not in (0, 100]` }),
    {
      description: "Share of the desired capacity that must be healthy, percent.",
      defaultValue: FLEET_DEFAULTS.minHealthyPercent,
      pulumi: "plain",
      cdktf: "optional",
    },
  ),
  keepPrevious: setting(z.boolean(), {
    description: [
      "Keep the previous generation, scaled to zero, so going back to it is instant: the fleet then has two",
      "slots (launch template, group, target group each), the live generation and the kept one. Declaring",
      "the kept generation's launch settings again (setting the image back) creates nothing: the rollout",
      "scales the kept group to capacity, gates on its health, moves the traffic to it and scales the other",
      "to zero, kept in its turn. A new generation replaces the kept slot. Turning this on adds the second",
      "slot (empty) and replaces nothing; turning it off deletes the second slot, after a blue/green cutover",
      "to a new generation in the first when the second was the live one. The slots' capacity and launch",
      "settings are then set by the rollout, not updated in place by Pulumi (a `pulumi refresh` shows the",
      "kept group at zero).",
    ].join(" "),
    defaultValue: FLEET_DEFAULTS.keepPrevious,
    pulumi: "plain",
  }),
  region: setting(z.string(), {
    description: "Region of the fleet. @default - the `aws:region` configuration",
    docs: { cdktf: "Region of the fleet, for the rollout's API calls. @default - the AWS SDK's (AWS_REGION)" },
    pulumi: "plain",
    cdktf: "optional",
  }),
  endpoint: setting(z.string(), {
    description: "AWS endpoint for the rollout's API calls (moto in tests). @default - the SDK's (AWS_ENDPOINT_URL)",
    cdktf: "optional",
  }),
});

export type FleetSettingName = keyof typeof fleetSettings.shape;

function metaOf(name: FleetSettingName): SettingMeta {
  return z.globalRegistry.get(fleetSettings.shape[name]) as unknown as SettingMeta;
}

const names = Object.keys(fleetSettings.shape) as FleetSettingName[];

/** How each Pulumi argument may arrive (`PulumiArgKind`), by name: the plugin's `construct` checks it. */
export const PULUMI_FLEET_ARGS: Readonly<Partial<Record<FleetSettingName, PulumiArgKind>>> = Object.fromEntries(
  names.flatMap((n) => {
    const kind = metaOf(n).pulumi;
    return kind ? [[n, kind]] : [];
  }),
);

/** Whether a value is known, `pending` (an Output, a token) nowhere in it. */
function known(value: unknown, pending: (value: unknown) => boolean): boolean {
  if (pending(value)) return false;
  if (Array.isArray(value)) return value.every((v) => known(v, pending));
  if (value && typeof value === "object") return Object.values(value).every((v) => known(v, pending));
  return true;
}

/**
 * The value checks of the settings given, each problem naming its setting, in declaration order. A value
 * with a part not known yet (`pending`: a Pulumi Output, a Terraform token) is left to the cloud.
 */
export function settingProblems(
  values: object,
  pending: (value: unknown) => boolean,
): { readonly setting: FleetSettingName; readonly reason: string }[] {
  return names.flatMap((setting) => {
    const value = (values as Readonly<Record<string, unknown>>)[setting];
    if (value === undefined || !known(value, pending)) return [];
    const checked = fleetSettings.shape[setting].safeParse(value);
    return checked.success ? [] : [{ setting, reason: checked.error.issues[0]?.message ?? "is not valid" }];
  });
}
