import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { builderDescriptor } from "../builders/registry";
import type { SourceSpec } from "../spec/types";

/** What the janitor removes: every resource tagged with one of the build IDs, in every region. */
export interface JanitorPlan {
  readonly builderType: string;
  readonly buildIds: readonly string[];
  readonly regions: readonly string[];
  /** The source's config: credentials and endpoint (sent over a pipe, never on a command line). */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface Janitor {
  readonly pid: number;
  readonly log: string;
  /** The build's own cleanup finished: the janitor exits without doing anything. */
  release(): void;
}

/**
 * What the janitor would remove for these builds, as the builder's descriptor declares it; undefined when
 * the builder leaves nothing behind (`null`) or the config names no region. Throws for an unknown type.
 */
export function janitorPlan(source: SourceSpec, buildIds: readonly string[]): JanitorPlan | undefined {
  const regions = sourceRegions(source);
  if (!buildIds.length || !regions.length) return undefined;
  return { builderType: source.type, buildIds, regions, config: source.config };
}

/** The regions a source makes images (and may leave resources) in, build region first; [] for `null`. */
export function sourceRegions(source: SourceSpec): readonly string[] {
  return builderDescriptor(source.type).leftoverRegions?.(source.config) ?? [];
}

/**
 * Pulumi kills an interrupted plugin a few seconds after its SIGINT: too soon for a build to terminate
 * its instance and then delete the security group and key pair. So on interruption a detached process
 * (its own session: the kill of the plugin's process group does not reach it) waits on a pipe from this
 * one. If this process ends before calling `release`, the pipe closes and the janitor removes everything
 * tagged with the build IDs, as `kiln cleanup --build-id` would.
 */
export function startJanitor(plan: JanitorPlan): Janitor {
  const main = join(__dirname, `janitor-main${extname(__filename)}`);
  const log = join(tmpdir(), `kiln-janitor-${plan.buildIds.join("-")}.log`);
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, [...process.execArgv, main], { detached: true, stdio: ["pipe", fd, fd] });
  closeSync(fd);
  child.stdin?.write(`${JSON.stringify(plan)}\n`);
  // Neither the child nor the pipe may keep this process alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    pid: child.pid ?? 0,
    log,
    release: () => child.stdin?.end("done\n"),
  };
}
