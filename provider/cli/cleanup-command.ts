import { loadBuilder } from "../builders/registry";
import { CancelledError, KilnError } from "../engine/errors";
import { reportError } from "./exit";

export interface CleanupCliOptions {
  readonly buildId: string;
  /** Builder type of the killed build. @default "amazon-ebs" */
  readonly builder?: string;
  readonly region: string[];
  readonly endpoint?: string;
  readonly profile?: string;
}

/**
 * `kiln cleanup`: removes what a build that was killed outright (SIGKILL, a lost machine) left in AWS,
 * found by the `kiln:build-id` tag every temporary resource carries, with the builder's own leftovers
 * cleanup (its descriptor's). Safe to repeat.
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
    let removed = 0;
    for (const region of opts.region) {
      const report = await leftovers({
        buildId: opts.buildId,
        region,
        config: { region, custom_endpoint_ec2: opts.endpoint, profile: opts.profile },
        signal: controller.signal,
        reporter: {
          info: (text) => process.stdout.write(`==> ${region}: ${text}\n`),
          warn: (text) => process.stderr.write(`==> ${region}: ${text}\n`),
        },
      });
      // Each removal was reported by the reporter as it happened; here they are only counted.
      removed += Object.values(report).reduce((n, ids) => n + ids.length, 0);
    }
    process.stdout.write(`${removed} resource(s) of build ${opts.buildId} removed in ${opts.region.join(", ")}.\n`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  } finally {
    process.off("SIGINT", onSignal);
  }
}
