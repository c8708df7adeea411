import { CancelledError, ConfigError } from "../engine/errors";
import { reportError } from "./exit";

export interface CleanupCliOptions {
  readonly buildId: string;
  /** AWS regions to clean. */
  readonly region?: string[];
  readonly endpoint?: string;
  readonly profile?: string;
  /** Clean an Azure subscription instead of AWS regions. */
  readonly azure?: boolean;
  /** Azure subscription; AZURE_SUBSCRIPTION_ID if absent. */
  readonly subscription?: string;
}

/**
 * `kiln cleanup`: removes what a build that was killed outright (SIGKILL, a lost machine) left in AWS
 * (`--region`) or Azure (`--azure`), found by the `kiln:build-id` tag every resource it made carries.
 * Safe to repeat.
 */
export async function runCleanupCommand(opts: CleanupCliOptions): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new CancelledError("interrupted"));
  process.once("SIGINT", onSignal);
  try {
    const removed = opts.azure ? await cleanAzure(opts, controller.signal) : await cleanAws(opts, controller.signal);
    const where = opts.azure ? "Azure" : (opts.region ?? []).join(", ");
    process.stdout.write(`${removed} resource(s) of build ${opts.buildId} removed in ${where}.\n`);
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  } finally {
    process.off("SIGINT", onSignal);
  }
}

/** Prints each removed resource under `where` and returns how many there were. */
function printReport(where: string, report: object): number {
  let removed = 0;
  for (const [kind, ids] of Object.entries(report)) {
    for (const id of ids as string[]) process.stdout.write(`--> ${where}: removed ${kind.replace(/s$/, "")} ${id}\n`);
    removed += (ids as string[]).length;
  }
  return removed;
}

function reporter(where: string) {
  return {
    info: (text: string) => process.stdout.write(`==> ${where}: ${text}\n`),
    warn: (text: string) => process.stderr.write(`==> ${where}: ${text}\n`),
  };
}

async function cleanAws(opts: CleanupCliOptions, signal: AbortSignal): Promise<number> {
  if (!opts.region?.length) {
    throw new ConfigError([{ field: "--region", message: "is required for AWS (or pass --azure to clean Azure)" }]);
  }
  const { cleanupLeftovers } = await import("../builders/amazon-ebs/cleanup");
  let removed = 0;
  for (const region of opts.region) {
    const report = await cleanupLeftovers({
      buildId: opts.buildId,
      region,
      config: { region, custom_endpoint_ec2: opts.endpoint, profile: opts.profile },
      signal,
      reporter: reporter(region),
    });
    removed += printReport(region, report);
  }
  return removed;
}

async function cleanAzure(opts: CleanupCliOptions, signal: AbortSignal): Promise<number> {
  const { cleanupAzureLeftovers } = await import("../builders/azure-arm/cleanup");
  const report = await cleanupAzureLeftovers({
    buildId: opts.buildId,
    config: { subscription_id: opts.subscription },
    signal,
    reporter: reporter("azure"),
  });
  return printReport("azure", report);
}
