import type { Construct } from "constructs";

/**
 * The pieces of a CDK for Terraform library the constructs use: `cdktf` with `@cdktf/provider-aws`, or CDK
 * Terrain's `cdktn` with `@cdktn/provider-aws`. The two are the same code under two names, but their
 * classes are distinct at run time (a `cdktf` resource inside a `cdktn` stack breaks `cdktn synth`; see
 * README.md) and, having private members, distinct types. So the constructs are written once against the
 * shapes below — only the members and config fields they use — and each entry point (`kiln/cdktf`,
 * `kiln/cdktn`) passes its library's classes, which the compiler checks against these shapes. `Provider`
 * is the library's `TerraformProvider`.
 */
export interface Flavour<Provider = unknown> {
  readonly Token: {
    isUnresolved(value: unknown): boolean;
    asString(value: unknown): string;
  };
  readonly Fn: {
    sort(list: string[]): string[];
    substr(text: string, offset: number, length: number): string;
    sha256(text: string): string;
    jsonencode(value: unknown): string;
    base64encode(text: string): string;
  };
  /** `terraform_data`. */
  readonly DataResource: Resource<DataConfig, { readonly id: string; readonly fqn: string }>;
  readonly DataAwsAmi: Resource<AmiConfig<Provider>, { readonly id: string }>;
  readonly DataAwsRegion: Resource<{ provider?: Provider }, { readonly region: string }>;
  readonly LaunchTemplate: Resource<
    LaunchTemplateConfig<Provider>,
    { readonly id: string; readonly latestVersion: number }
  >;
  readonly LbTargetGroup: Resource<TargetGroupConfig<Provider>, { readonly arn: string }>;
  readonly AutoscalingGroup: Resource<GroupConfig<Provider>, { readonly name: string }>;
  readonly LbListener: Resource<ListenerConfig<Provider>, { readonly arn: string }>;
}

/** The `TerraformProvider` a flavour's resources take. */
export type ProviderOf<F> = F extends Flavour<infer Provider> ? Provider : never;

type Resource<Config, Instance> = new (scope: Construct, id: string, config: Config) => Instance;

interface Lifecycle {
  createBeforeDestroy?: boolean;
  ignoreChanges?: string[];
}

interface DataConfig {
  triggersReplace?: Record<string, unknown>;
  input?: Record<string, unknown>;
  lifecycle?: Lifecycle;
  provisioners?: {
    type: "local-exec";
    command: string;
    when?: "destroy";
    environment?: Record<string, string>;
  }[];
}

interface AmiConfig<Provider> {
  owners: string[];
  mostRecent: boolean;
  filter: { name: string; values: string[] }[];
  dependsOn: { readonly fqn: string }[];
  provider?: Provider;
}

interface LaunchTemplateConfig<Provider> {
  provider?: Provider;
  name: string;
  imageId: string;
  instanceType: string;
  vpcSecurityGroupIds?: string[];
  userData: string;
  tagSpecifications: { resourceType: string; tags: Record<string, string> }[];
  lifecycle: Lifecycle;
}

interface TargetGroupConfig<Provider> {
  provider?: Provider;
  name: string;
  port: number;
  protocol: string;
  vpcId: string;
  deregistrationDelay: string;
  healthCheck: { path: string; matcher: string };
  lifecycle: Lifecycle;
}

interface GroupConfig<Provider> {
  provider?: Provider;
  name: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  vpcZoneIdentifier: string[];
  launchTemplate: { id: string; version: string };
  targetGroupArns: string[];
  healthCheckType: string;
  waitForCapacityTimeout: string;
  tag: { key: string; value: string; propagateAtLaunch: boolean }[];
  lifecycle: Lifecycle;
}

interface ListenerConfig<Provider> {
  provider?: Provider;
  loadBalancerArn: string;
  port: number;
  protocol: string;
  defaultAction: { type: string; targetGroupArn: string }[];
  lifecycle: Lifecycle;
}

type Kind = Exclude<keyof Flavour, "Token" | "Fn">;

/** An instance of the flavour's class, whose shape members generic code can use. */
export type Made<Provider, F extends Flavour<Provider>, K extends Kind> = InstanceType<F[K]> &
  InstanceType<Flavour<Provider>[K]>;

/**
 * `new lib[kind](scope, id, config)`: the config checked against the shape, the result typed as the
 * flavour's own class (inside generic code the compiler knows only the shape).
 */
export function create<Provider, F extends Flavour<Provider>, K extends Kind>(
  lib: F,
  kind: K,
  scope: Construct,
  id: string,
  config: ConstructorParameters<Flavour<Provider>[K]>[2],
): Made<Provider, F, K> {
  const Class = lib[kind] as unknown as Resource<typeof config, Made<Provider, F, K>>;
  return new Class(scope, id, config);
}
