import type { SourceLocation } from "../engine/errors";
import type { BuildSpec, PostProcessorSpec, ProvisionerSpec, SourceSpec } from "../spec/types";
import { nameMatches } from "../util/name-glob";
import type { Problems } from "./problems";

/**
 * One source with the steps evaluated for it. Packer evaluates a build's provisioners and post-processors
 * once per source (`source.name`, `{{build_name}}` and overrides differ), while a BuildSpec shares them
 * across its sources; sources whose steps came out identical share a BuildSpec, the others get their own.
 */
export interface SourceBuild {
  readonly source: SourceSpec;
  readonly provisioners: readonly ProvisionerSpec[];
  readonly errorCleanupProvisioner?: ProvisionerSpec;
  readonly postProcessors: readonly (readonly PostProcessorSpec[])[];
}

export interface BuildHead {
  readonly name?: string;
  readonly baseDir: string;
  readonly sensitiveValues: readonly string[];
  readonly where?: SourceLocation;
}

export function assembleBuilds(head: BuildHead, perSource: readonly SourceBuild[]): BuildSpec[] {
  const groups = new Map<string, SourceBuild[]>();
  for (const item of perSource) {
    const key = canonical([item.provisioners, item.errorCleanupProvisioner ?? null, item.postProcessors]);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0] as SourceBuild;
    return {
      ...(head.name !== undefined ? { name: head.name } : {}),
      sources: group.map((g) => g.source),
      ...(first.provisioners.length ? { provisioners: first.provisioners } : {}),
      ...(first.errorCleanupProvisioner ? { errorCleanupProvisioner: first.errorCleanupProvisioner } : {}),
      ...(first.postProcessors.length ? { postProcessors: first.postProcessors } : {}),
      baseDir: head.baseDir,
      sensitiveValues: head.sensitiveValues,
      ...(head.where ? { where: head.where } : {}),
    };
  });
}

/** JSON with sorted keys, so equal values give equal text whatever order keys were added in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * `-only`/`-except`: glob patterns (see util/name-glob.ts) matched against build names such
 * as `amazon-ebs.web` or `mybuild.amazon-ebs.web`. A pattern that matches nothing is a problem, so a typo
 * cannot silently build everything (or nothing).
 */
export class NameFilter {
  private readonly usedOnly = new Set<string>();
  private readonly usedExcept = new Set<string>();
  private readonly seen: string[] = [];

  constructor(
    private readonly only: readonly string[] = [],
    private readonly except: readonly string[] = [],
  ) {}

  keep(...names: readonly string[]): boolean {
    this.seen.push(names[0] as string);
    const hit = (patterns: readonly string[], used: Set<string>) => {
      let matched = false;
      for (const pattern of patterns) {
        if (names.some((name) => nameMatches(pattern, name))) {
          used.add(pattern);
          matched = true;
        }
      }
      return matched;
    };
    const onlyHit = hit(this.only, this.usedOnly);
    if (this.only.length && !onlyHit) return false;
    return !hit(this.except, this.usedExcept);
  }

  /** Except patterns may also name post-processors; those count as used. */
  excepts(...names: readonly string[]): boolean {
    return this.except.some((pattern) => {
      const matched = names.some((name) => nameMatches(pattern, name));
      if (matched) this.usedExcept.add(pattern);
      return matched;
    });
  }

  report(problems: Problems): void {
    const known = this.seen.length ? this.seen.join(", ") : "none";
    for (const p of this.only)
      if (!this.usedOnly.has(p)) problems.add("only", `"${p}" matches no build (builds: ${known})`);
    for (const p of this.except) {
      if (!this.usedExcept.has(p))
        problems.add("except", `"${p}" matches no build or post-processor (builds: ${known})`);
    }
  }
}
