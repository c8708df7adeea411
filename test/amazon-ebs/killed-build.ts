/**
 * Child process for the "killed outright" test: runs the amazon-ebs steps for the config in argv[2]
 * (no provisioners, so no connection) and, after the step named in argv[3], prints "PAUSED" and waits
 * for the test to SIGKILL it. Runs the builder's steps directly so the child loads only what it needs.
 */
import { randomUUID } from "node:crypto";
import { amazonEbsBuilder } from "../../provider/builders/amazon-ebs";
import type { BuildContext } from "../../provider/engine/context";
import { buildReporter } from "../../provider/engine/events";
import { runSteps } from "../../provider/engine/step";

async function main() {
  const [configJson, pauseAfter] = process.argv.slice(2);
  const config = amazonEbsBuilder.schema.parse(JSON.parse(configJson ?? "{}"));
  const reporter = buildReporter(
    "amazon-ebs.killed",
    () => {},
    (s) => s,
  );
  const ctx: BuildContext = {
    buildName: "amazon-ebs.killed",
    sourceName: "killed",
    builderType: "amazon-ebs",
    buildId: `kiln-${randomUUID().slice(0, 8)}`,
    runUuid: randomUUID(),
    fingerprint: "sha256:killed",
    baseDir: process.cwd(),
    reporter,
    redact: (s) => s,
    force: false,
    generated: {},
  };
  process.stdout.write(`BUILD_ID ${ctx.buildId}\n`);
  const steps = [...amazonEbsBuilder.setupSteps(config), ...amazonEbsBuilder.captureSteps(config)].map((step) => ({
    ...step,
    async run(state: Parameters<typeof step.run>[0], signal: AbortSignal) {
      await step.run(state, signal);
      if (step.name !== pauseAfter) return;
      process.stdout.write("PAUSED\n");
      await new Promise(() => {});
    },
  }));
  await runSteps(
    steps,
    { ctx, config, state: amazonEbsBuilder.newState(config, ctx) },
    {
      signal: new AbortController().signal,
      reporter,
    },
  );
  process.stdout.write("FINISHED\n");
}

main().catch((error: unknown) => process.stdout.write(`FAILED ${String(error)}\n`));
