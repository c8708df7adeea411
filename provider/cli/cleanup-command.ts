import { builderDescriptor, loadBuilder } from "../builders/registry";
import { CancelledError, ConfigError, KilnError } from "../engine/errors";
import { reportError } from "./exit";

export interface CleanupCliOptions {
  readonly buildId: string;
  /** Builder type of the killed build. @default "amazon-ebs" */
  readonly builder?: string;
  /** Regions to clean (AWS); builders that clean a whole account (azure-arm) need none. */
  readonly region?: string[];
  readonly endpoint?: string;
  readonly profile?: string;
  /** Azure subscription. @default AZURE_SUBSCRIPTION_ID */
  readonly subscription?: string;
}

/**
 * `kiln cleanup`: removes what a build that was killed outright (SIGKILL, a lost machine) left in AWS
 * regions or an Azure subscription, found by the `kiln:build-id` tag every resource it made carries, with
 * the builder's own leftovers cleanup (its descriptor's). Safe to repeat.
 */
export async function runCleanupCommand(opts: CleanupCliOptions): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new CancelledError("interrupted"));
  process.once("SIGINT", onSignal);
  try {
    const builderType = opts.builder ?? "amazon-ebs";
    const { leftovers } = await loadBuilder(builderType);
    if (!leftovers)
      throw new KilnError("NO_LEFTOVER_CLEANUP", `builder ${builderType} leaves nothing behind: nothing to clean up`);
    const access = { custom_endpoint_ec2: opts.endpoint, profile: opts.profile, subscription_id: opts.subscription };
    const regions = opts.region?.length
      ? opts.region
      : (builderDescriptor(builderType).leftoverRegions?.(access) ?? []);
    if (!regions.length) throw new ConfigError([{ field: "--region", message: `is required for ${builderType}` }]);
    let removed = 0;
    for (const region of regions) {
      const report = await leftovers({
        buildId: opts.buildId,
        region,
        config: { region, ...access },
        signal: controller.signal,
        reporter: {
          info: (text) => process.stdout.write(`==> ${region}: ${text}\n`),
          warn: (text) => process.stderr.write(`==> ${region}: ${text}\n`),
        },
      });
      // Each removal was reported by the reporter as it happened; here they are only counted.
      removed += Object.values(report).reduce((n, ids) => n + ids.length, 0);
    }
    process.stdout.write(`${removed} resource(s) of build ${opts.buildId} removed in ${regions.join(", ")}.\n`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  } finally {
    process.off("SIGINT", onSignal);
  }
}
