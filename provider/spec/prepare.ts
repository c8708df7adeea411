import { existsSync } from "node:fs";
import { homedir } from "node:os";
import type { BuilderDescriptor } from "../builders/types";
import { sensitiveCommunicatorFields } from "../communicator/config";
import { ConfigError, type ConfigProblem } from "../engine/errors";
import { traceWork } from "../engine/trace";
import type { PostProcessorDescriptor } from "../postprocessors/types";
import type { ProvisionerDescriptor } from "../provisioners/types";
import { parseDuration } from "../util/duration";
import { nameMatches } from "../util/name-glob";
import { resolvePath } from "../util/paths";
import type { Plugins } from "./plugins";
import { checkProblem, parseConfig } from "./problems";
import type { BuildSpec, Located, PostProcessorSpec, ProvisionerSpec, SourceSpec } from "./types";

export interface PreparedSource {
  readonly spec: SourceSpec;
  /** `type.name`, prefixed by the build block's name when it has one. */
  readonly buildName: string;
  /** The runtime (steps, SDK clients) is the engine's to load when the build runs. */
  // biome-ignore lint/suspicious/noExplicitAny: each builder has its own config and state types
  readonly builder: BuilderDescriptor<any, any>;
  readonly config: Record<string, unknown>;
}

export interface PreparedProvisioner {
  readonly spec: ProvisionerSpec;
  readonly label: string;
  readonly plugin: ProvisionerDescriptor;
  readonly config: unknown;
  readonly pauseBeforeMs: number;
  readonly maxRetries: number;
  readonly timeoutMs?: number;
}

export interface PreparedPostProcessor {
  readonly spec: PostProcessorSpec;
  readonly label: string;
  readonly plugin: PostProcessorDescriptor;
  readonly config: unknown;
}

/** A build definition checked against every plugin's schema, ready to run. */
export interface PreparedBuild {
  readonly spec: BuildSpec;
  readonly baseDir: string;
  readonly sources: readonly PreparedSource[];
  readonly provisioners: readonly PreparedProvisioner[];
  readonly errorCleanupProvisioner?: PreparedProvisioner;
  readonly postProcessors: readonly (readonly PreparedPostProcessor[])[];
  /** Secret values found in the spec: sensitive variables plus every sensitive field's value. */
  readonly secrets: readonly string[];
}

/**
 * Validates a whole build before anything runs: every source, provisioner and post-processor config
 * against its plugin's schema (from `plugins`, the caller's), cross-field checks, and that every local
 * file it names exists. Throws one ConfigError listing every problem, each naming block, field and (from
 * templates) file and line.
 */
export async function prepareBuild(spec: BuildSpec, plugins: Plugins): Promise<PreparedBuild> {
  traceWork("validate", spec.name ?? spec.sources.map((s) => `${s.type}.${s.name}`).join(","));
  const { builders } = plugins;
  const problems: ConfigProblem[] = [];
  const baseDir = spec.baseDir ?? process.cwd();
  const secrets = new Set(spec.sensitiveValues ?? []);

  if (spec.sources.length === 0)
    problems.push({ field: "sources", message: "a build needs at least one source", where: spec.where });

  const sources: PreparedSource[] = [];
  for (const source of spec.sources) {
    const block = `source "${source.type}" "${source.name}"`;
    const builder = await builders.get(source.type);
    if (!builder) {
      problems.push(unknownPlugin(block, "builder", source.type, builders.types, source));
      continue;
    }
    const { config, problems: found } = parseConfig(builder.schema, source.config, block, source);
    problems.push(...found);
    if (!config) continue;
    problems.push(...builder.check(config).map((p) => checkProblem(block, source, p)));
    problems.push(...missingFiles(block, source, builder.localInputs(config, baseDir)));
    problems.push(...missingKeyFiles(block, source, baseDir));
    collectSecrets(source.config, [...sensitiveCommunicatorFields, ...builder.sensitiveFields], secrets);
    const buildName = `${spec.name ? `${spec.name}.` : ""}${source.type}.${source.name}`;
    sources.push({ spec: source, buildName, builder, config: config as Record<string, unknown> });
  }

  const provisionerList = await Promise.all(
    (spec.provisioners ?? []).map((p, i) =>
      prepareProvisioner(p, `provisioner[${i}] "${p.type}"`, baseDir, problems, plugins),
    ),
  );
  const errorCleanup = spec.errorCleanupProvisioner
    ? await prepareProvisioner(
        spec.errorCleanupProvisioner,
        `error-cleanup-provisioner "${spec.errorCleanupProvisioner.type}"`,
        baseDir,
        problems,
        plugins,
      )
    : undefined;
  const chains = await Promise.all(
    (spec.postProcessors ?? []).map((chain, c) =>
      Promise.all(
        chain.map((p, i) =>
          preparePostProcessor(
            p,
            `post-processor[${c}${chain.length > 1 ? `.${i}` : ""}] "${p.type}"`,
            baseDir,
            problems,
            secrets,
            plugins,
          ),
        ),
      ),
    ),
  );

  if (problems.length) throw new ConfigError(problems);

  return {
    spec,
    baseDir,
    sources,
    provisioners: provisionerList as PreparedProvisioner[],
    errorCleanupProvisioner: errorCleanup,
    postProcessors: chains as PreparedPostProcessor[][],
    secrets: [...secrets],
  };
}

async function prepareProvisioner(
  spec: ProvisionerSpec,
  block: string,
  baseDir: string,
  problems: ConfigProblem[],
  { provisioners }: Plugins,
) {
  const plugin = await provisioners.get(spec.type);
  if (!plugin) {
    problems.push(unknownPlugin(block, "provisioner", spec.type, provisioners.types, spec));
    return undefined;
  }
  const { config, problems: found } = parseConfig(plugin.schema, spec.config, block, spec);
  problems.push(...found);
  const pauseBeforeMs = durationField(spec.pause_before, "pause_before", block, spec, problems) ?? 0;
  const timeoutMs = durationField(spec.timeout, "timeout", block, spec, problems);
  const maxRetries = spec.max_retries ?? 0;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    problems.push(checkProblem(block, spec, { field: "max_retries", message: "must be a whole number, 0 or more" }));
  }
  if (config === undefined) return undefined;
  problems.push(...(plugin.check?.(config) ?? []).map((p) => checkProblem(block, spec, p)));
  problems.push(...missingFiles(block, spec, plugin.localInputs(config, baseDir)));
  return { spec, label: block, plugin, config, pauseBeforeMs, maxRetries, timeoutMs } satisfies PreparedProvisioner;
}

async function preparePostProcessor(
  spec: PostProcessorSpec,
  block: string,
  baseDir: string,
  problems: ConfigProblem[],
  secrets: Set<string>,
  { postProcessors }: Plugins,
) {
  const plugin = await postProcessors.get(spec.type);
  if (!plugin) {
    problems.push(unknownPlugin(block, "post-processor", spec.type, postProcessors.types, spec));
    return undefined;
  }
  const { config, problems: found } = parseConfig(plugin.schema, spec.config, block, spec);
  problems.push(...found);
  if (config === undefined) return undefined;
  problems.push(...(plugin.check?.(config) ?? []).map((p) => checkProblem(block, spec, p)));
  problems.push(...missingFiles(block, spec, plugin.localInputs(config, baseDir)));
  collectSecrets(spec.config, plugin.sensitiveFields ?? [], secrets);
  return { spec, label: block, plugin, config } satisfies PreparedPostProcessor;
}

function durationField(
  value: string | number | undefined,
  field: string,
  block: string,
  located: Located,
  problems: ConfigProblem[],
): number | undefined {
  if (value === undefined) return undefined;
  try {
    return parseDuration(value);
  } catch (error) {
    problems.push(checkProblem(block, located, { field, message: (error as Error).message }));
    return undefined;
  }
}

function missingFiles(block: string, located: Located, paths: readonly string[]): ConfigProblem[] {
  return paths
    .filter((p) => !existsSync(p))
    .map((p) => ({ field: block, message: `file not found: ${p}`, where: located.where }));
}

/** Adds the values of a config's sensitive fields to the build's secrets, for redaction. */
function collectSecrets(
  config: Readonly<Record<string, unknown>>,
  fields: readonly string[],
  secrets: Set<string>,
): void {
  for (const field of fields) {
    const value = config[field];
    if (typeof value === "string") secrets.add(value);
  }
}

/** Key files the communicator will read: checked now so a typo fails before any machine starts. */
function missingKeyFiles(block: string, source: SourceSpec, baseDir: string): ConfigProblem[] {
  return (["ssh_private_key_file", "ssh_bastion_private_key_file"] as const).flatMap((field) => {
    const value = source.config[field];
    if (typeof value !== "string" || existsSync(resolvePath(baseDir, expandHome(value)))) return [];
    return [checkProblem(block, source, { field, message: `file not found: ${value}` })];
  });
}

function expandHome(path: string): string {
  return path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
}

function unknownPlugin(
  block: string,
  kind: string,
  type: string,
  known: readonly string[],
  located: Located,
): ConfigProblem {
  return {
    field: block,
    message: `unknown ${kind} type "${type}"; Kiln supports ${known.map((k) => `"${k}"`).join(", ")}`,
    where: located.where,
  };
}

/** Whether a source passes `-only`/`-except`; names match `type.name`, `name`, or the full build name. */
export function selectedBy(
  source: { buildName: string; spec: SourceSpec },
  only: readonly string[] | undefined,
  except: readonly string[] | undefined,
): boolean {
  const names = [source.buildName, `${source.spec.type}.${source.spec.name}`, source.spec.name];
  if (only?.length && !only.some((o) => names.some((n) => nameMatches(o, n)))) return false;
  if (except?.length && except.some((e) => names.some((n) => nameMatches(e, n)))) return false;
  return true;
}
