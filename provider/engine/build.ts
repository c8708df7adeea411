import { randomUUID } from "node:crypto";
import pLimit from "p-limit";
import type { BuilderRuntime } from "../builders/types";
import type { SshSessionMode } from "../communicator/types";
import type { Plugins } from "../spec/plugins";
import {
  type PreparedBuild,
  type PreparedProvisioner,
  type PreparedSource,
  prepareBuild,
  selectedBy,
} from "../spec/prepare";
import type { BuildSpec } from "../spec/types";
import { childSignal } from "./abort";
import type { Artifact } from "./artifact";
import { connectStep } from "./connect-step";
import type { BuildContext, BuilderRun } from "./context";
import { ConfigError, type ConfigProblem, errorMessage, internalError, isCancellation, KilnError } from "./errors";
import { type BuildReporter, buildReporter, type EventSink } from "./events";
import { fingerprintSource } from "./fingerprint";
import { postProcessArtifact } from "./post-process";
import { provisionerStep } from "./provision-step";
import { makeRedactor, redactError } from "./redact";
import { type OnError, runSteps, type Step } from "./step";

export interface BuildOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: EventSink;
  /** What to do with created resources when a step fails. @default "cleanup" */
  readonly onError?: OnError;
  /** How many sources build at once; 0 means all. @default 0 */
  readonly parallelBuilds?: number;
  /** Build even when an artifact with the same fingerprint exists. @default false */
  readonly force?: boolean;
  readonly only?: readonly string[];
  readonly except?: readonly string[];
  /** Source config fields also left out of the fingerprint (the caller applies them without rebaking). */
  readonly fingerprintExclude?: readonly string[];
  /** Time limit for each source's build, in milliseconds; none by default. */
  readonly timeoutMs?: number;
  /** Packer's run UUID, shared by every build of one invocation. @default a new UUID */
  readonly runUuid?: string;
  /**
   * How SSH commands reach the machine: the connection's command agent, or one SSH session per command
   * as Packer does (see SshSessionMode). Not part of the image's content, so not of its fingerprint.
   * @default "agent"
   */
  readonly sshSession?: SshSessionMode;
  /** Called before and after each step's run; throwing fails that step. For fault injection and debugging. */
  readonly onStep?: (build: string, step: string, phase: "before" | "after") => void | Promise<void>;
}

export interface BuildOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly fingerprint: string;
  /** True when an existing artifact with the same fingerprint was used instead of building. */
  readonly reused: boolean;
  readonly artifacts: readonly Artifact[];
  readonly error?: Error;
  readonly durationMs: number;
}

export interface BuildResult {
  readonly runUuid: string;
  readonly builds: readonly BuildOutcome[];
  readonly artifacts: readonly Artifact[];
}

/** One or more sources failed; `builds` says which and why, and lists artifacts that were still made. */
export class BuildFailedError extends KilnError {
  readonly builds: readonly BuildOutcome[];
  constructor(builds: readonly BuildOutcome[]) {
    const failed = builds.filter((b) => !b.ok);
    super(
      failed.every((b) => b.error && isCancellation(b.error)) ? "CANCELLED" : "BUILD_FAILED",
      failed.length === 1
        ? errorMessage(failed[0]?.error)
        : `${failed.length} of ${builds.length} builds failed:\n${failed.map((b) => `  ${errorMessage(b.error)}`).join("\n")}`,
      { cause: failed[0]?.error },
    );
    this.builds = builds;
  }
}

/**
 * Build definitions validated once, to hand to `build()` and `fingerprint()` so they do not validate
 * again. Each source's fingerprint is computed once per prepared builds (and exclusion list): an
 * operation that fingerprints and then builds (`kiln image bake`) hashes its files once. A new
 * operation prepares anew, so files changed since are seen.
 */
export class PreparedBuilds {
  private readonly fingerprints = new Map<string, Promise<string>>();

  constructor(readonly builds: readonly PreparedBuild[]) {}

  fingerprintOf(build: PreparedBuild, source: PreparedSource, exclude: readonly string[] = []): Promise<string> {
    const key = JSON.stringify([source.buildName, exclude]);
    let value = this.fingerprints.get(key);
    if (!value) {
      value = fingerprintSource(build, source, exclude);
      this.fingerprints.set(key, value);
    }
    return value;
  }
}

/**
 * Validates build definitions against the caller's plugins, for `build()` and `fingerprint()` (validate
 * every build block before any of them starts, so a typo in one creates nothing anywhere).
 */
export async function prepare(
  spec: BuildSpec | readonly BuildSpec[],
  plugins: Plugins,
  options: Pick<BuildOptions, "only" | "except"> = {},
): Promise<PreparedBuilds> {
  return new PreparedBuilds(await prepareAll(Array.isArray(spec) ? spec : [spec as BuildSpec], plugins, options));
}

/**
 * Runs prepared builds: each source — in parallel up to `parallelBuilds` — through builder setup,
 * connect, provisioners and capture, then its post-processors. Resolves with every artifact; rejects
 * with BuildFailedError when any failed.
 */
export async function build(spec: PreparedBuilds, options: BuildOptions = {}): Promise<BuildResult> {
  const prepared = spec.builds;
  const runUuid = options.runUuid ?? randomUUID();
  const redact = makeRedactor(prepared.flatMap((p) => p.secrets));
  const limit = pLimit(
    options.parallelBuilds && options.parallelBuilds > 0 ? options.parallelBuilds : Number.POSITIVE_INFINITY,
  );
  const builds = await Promise.all(
    prepared.flatMap((p) =>
      p.sources.map((source) => limit(() => buildSource(spec, p, source, { ...options, runUuid }, redact))),
    ),
  );
  if (builds.some((b) => !b.ok)) throw new BuildFailedError(builds);
  return { runUuid, builds, artifacts: builds.flatMap((b) => b.artifacts) };
}

/** Validates every build block, reporting the problems of all of them together. */
export async function prepareAll(
  specs: readonly BuildSpec[],
  plugins: Plugins,
  options: Pick<BuildOptions, "only" | "except"> = {},
): Promise<PreparedBuild[]> {
  const problems: ConfigProblem[] = [];
  const prepared: PreparedBuild[] = [];
  const declared: string[] = [];
  for (const spec of specs) {
    try {
      // -only/-except select across all blocks, so each block may legitimately end up empty.
      const one = await prepareBuild(spec, plugins);
      declared.push(...one.sources.map((s) => s.buildName));
      prepared.push({ ...one, sources: one.sources.filter((s) => selectedBy(s, options.only, options.except)) });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (!problems.length && prepared.every((p) => p.sources.length === 0)) {
    problems.push({
      field: "only/except",
      message: `no source left to build after -only/-except; sources are ${declared.join(", ")}`,
    });
  }
  if (problems.length) throw new ConfigError(problems);
  return prepared;
}

/** Fingerprints of every source's prepared build, by build name, without running anything. */
export async function fingerprint(
  spec: PreparedBuilds,
  options: Pick<BuildOptions, "fingerprintExclude"> = {},
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const prepared of spec.builds) {
    for (const source of prepared.sources) {
      out[source.buildName] = await spec.fingerprintOf(prepared, source, options.fingerprintExclude);
    }
  }
  return out;
}

async function buildSource(
  all: PreparedBuilds,
  prepared: PreparedBuild,
  source: PreparedSource,
  options: BuildOptions & { runUuid: string },
  redact: (text: string) => string,
): Promise<BuildOutcome> {
  const started = Date.now();
  const reporter = buildReporter(source.buildName, options.onEvent ?? (() => {}), redact);
  const { signal, dispose } = childSignal(options.signal, options.timeoutMs, `build '${source.buildName}'`);
  // Announced first: every temporary resource will carry it, so a caller can clean up after a kill.
  const buildId = `kiln-${randomUUID().slice(0, 8)}`;
  reporter.emit({ type: "build-started", buildId });
  let fingerprintValue = "";
  let reused = false;
  const artifacts: Artifact[] = [];
  try {
    // Loaded only now: validating and fingerprinting need none of a builder's SDK.
    const runtime = await source.builder.load();
    // Hashing every uploaded byte costs time (a 50 MB upload: ~0.15 s); only builders that keep an
    // artifact to reuse and tag need it.
    if (runtime.findExisting) {
      fingerprintValue = await all.fingerprintOf(prepared, source, options.fingerprintExclude);
    }
    const ctx = newContext(prepared, source, options, reporter, redact, fingerprintValue, buildId);
    const existing =
      options.force || !runtime.findExisting ? undefined : await runtime.findExisting(source.config, ctx, signal);
    if (existing) {
      reused = true;
      reporter.info(
        `Reusing ${existing.id}: built earlier from identical inputs (${fingerprintValue}); --force rebuilds`,
      );
      ctx.artifact = existing;
    } else {
      await runSteps(
        pipeline(prepared, source, runtime, options),
        { ctx, config: source.config, state: runtime.newState(source.config, ctx) },
        {
          signal,
          reporter,
          onError: options.onError,
          onFailure: errorCleanupRunner(prepared, reporter),
        },
      );
    }
    if (!ctx.artifact) throw internalError(`builder ${source.builder.type} finished without an artifact`);
    artifacts.push(ctx.artifact);
    reporter.emit({ type: "artifact", artifact: ctx.artifact });
    artifacts.push(...(await postProcessArtifact(prepared, source, ctx, ctx.artifact, signal)));
    reporter.emit({ type: "build-finished", ok: true, durationMs: Date.now() - started });
    return {
      name: source.buildName,
      ok: true,
      fingerprint: fingerprintValue,
      reused,
      artifacts,
      durationMs: Date.now() - started,
    };
  } catch (error) {
    const durationMs = Date.now() - started;
    redactError(error, redact);
    reporter.emit({ type: "build-finished", ok: false, error: errorMessage(error), durationMs });
    return {
      name: source.buildName,
      ok: false,
      fingerprint: fingerprintValue,
      reused,
      artifacts,
      error: error as Error,
      durationMs,
    };
  } finally {
    dispose();
  }
}

function newContext(
  prepared: PreparedBuild,
  source: PreparedSource,
  options: BuildOptions & { runUuid: string },
  reporter: BuildReporter,
  redact: (text: string) => string,
  fingerprintValue: string,
  buildId: string,
): BuildContext {
  return {
    buildName: source.buildName,
    sourceName: source.spec.name,
    builderType: source.spec.type,
    buildId,
    runUuid: options.runUuid,
    fingerprint: fingerprintValue,
    baseDir: prepared.baseDir,
    reporter,
    redact,
    force: options.force ?? false,
    sshSession: options.sshSession,
    generated: { PackerRunUUID: options.runUuid },
  };
}

type AnyRun = BuilderRun<Record<string, unknown>, unknown>;

/** Builder setup, connect, each applicable provisioner, builder capture — wrapped with the onStep hook. */
function pipeline(
  prepared: PreparedBuild,
  source: PreparedSource,
  runtime: BuilderRuntime<AnyRun["config"], unknown>,
  options: BuildOptions,
): Step<AnyRun>[] {
  const provisioners = prepared.provisioners.filter((p) => selectedBy(source, p.spec.only, p.spec.except));
  const steps: Step<AnyRun>[] = [
    ...runtime.setupSteps(source.config),
    connectStep() as Step<AnyRun>,
    ...provisioners.map((p, i) => provisionerStep(p, `provisioner ${p.spec.type} (${i + 1}/${provisioners.length})`)),
    ...runtime.captureSteps(source.config),
  ];
  const hook = options.onStep;
  if (!hook) return steps;
  return steps.map((step) => ({
    ...step,
    async run(state: AnyRun, signal: AbortSignal) {
      await hook(source.buildName, step.name, "before");
      await step.run(state, signal);
      await hook(source.buildName, step.name, "after");
    },
  }));
}

/** Runs the `error-cleanup-provisioner` on the machine after a failure, before anything is torn down. */
function errorCleanupRunner(prepared: PreparedBuild, reporter: BuildReporter) {
  const provisioner: PreparedProvisioner | undefined = prepared.errorCleanupProvisioner;
  if (!provisioner) return undefined;
  return async (state: AnyRun) => {
    reporter.info(`Running error-cleanup-provisioner ${provisioner.spec.type}`);
    // Its own budget: the build's signal may be what failed.
    const { signal, dispose } = childSignal(
      undefined,
      provisioner.timeoutMs ?? 5 * 60_000,
      "error-cleanup-provisioner",
    );
    try {
      await provisionerStep(provisioner, "error-cleanup-provisioner").run(state, signal);
    } finally {
      dispose();
    }
  };
}
