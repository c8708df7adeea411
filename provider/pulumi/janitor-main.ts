/**
 * The janitor process (see janitor.ts): reads its plan from stdin, then waits for stdin to close. "done"
 * before the end means the provider cleaned up itself; otherwise it died first, and this removes what
 * its builds left: instances, launch templates, AMIs and snapshots, volumes, security groups, key pairs.
 */
import { loadBuilder } from "../builders/registry";
import { errorMessage, KilnError } from "../engine/errors";
import type { JanitorPlan } from "./janitor";

const CLEANUP_TIMEOUT_MS = 30 * 60_000;

function log(text: string): void {
  process.stdout.write(`${new Date().toISOString()} ${text}\n`);
}

async function readStdin(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

async function main(): Promise<void> {
  const [first = "", ...rest] = (await readStdin()).split("\n");
  const plan = JSON.parse(first) as JanitorPlan;
  if (rest.includes("done")) return log(`released: builds ${plan.buildIds.join(", ")} cleaned up after themselves`);
  log(
    `the provider ended before its cleanup finished; removing what ${plan.buildIds.join(", ")} left in ${plan.regions.join(", ")}`,
  );
  const { leftovers } = await loadBuilder(plan.builderType);
  if (!leftovers) throw new KilnError("NO_LEFTOVER_CLEANUP", `builder ${plan.builderType} has no leftovers cleanup`);
  const signal = AbortSignal.timeout(CLEANUP_TIMEOUT_MS);
  let failed = false;
  for (const buildId of plan.buildIds) {
    for (const region of plan.regions) {
      try {
        const report = await leftovers({
          buildId,
          region,
          config: plan.config,
          signal,
          reporter: { info: log, warn: log },
        });
        log(`${buildId} in ${region}: ${JSON.stringify(report)}`);
      } catch (error) {
        failed = true;
        log(`${buildId} in ${region}: ${errorMessage(error)}; resources tagged kiln:build-id=${buildId} may remain`);
      }
    }
  }
  if (failed) process.exitCode = 1;
}

main().catch((error) => {
  log(`janitor failed: ${errorMessage(error)}`);
  process.exitCode = 1;
});
