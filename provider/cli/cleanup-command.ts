import { CancelledError } from "../engine/errors";
import { reportError } from "./exit";

export interface CleanupCliOptions {
  readonly buildId: string;
  readonly region: string[];
  readonly endpoint?: string;
  readonly profile?: string;
}

/**
 * `kiln cleanup`: removes what a build that was killed outright (SIGKILL, a lost machine) left in AWS,
 * found by the `kiln:build-id` tag every temporary resource carries. Safe to repeat.
 */
export async function runCleanupCommand(opts: CleanupCliOptions): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new CancelledError("interrupted"));
  process.once("SIGINT", onSignal);
  try {
    const { cleanupLeftovers } = await import("../builders/amazon-ebs/cleanup");
    let removed = 0;
    for (const region of opts.region) {
      const report = await cleanupLeftovers({
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
      removed += Object.values(report).reduce((n, ids: string[]) => n + ids.length, 0);
    }
    process.stdout.write(`${removed} resource(s) of build ${opts.buildId} removed in ${opts.region.join(", ")}.\n`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  } finally {
    process.off("SIGINT", onSignal);
  }
}
