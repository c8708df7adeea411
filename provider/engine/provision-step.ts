import type { PreparedProvisioner } from "../spec/prepare";
import { abortReason, childSignal, sleep } from "./abort";
import { withBuildData } from "./build-data";
import type { BuilderRun } from "./context";
import { errorMessage, isCancellation } from "./errors";
import type { Step } from "./step";

/**
 * A provisioner as a pipeline step, with Packer's common options: `pause_before`, `timeout` (cancels the
 * provisioner's remote command), `max_retries` (immediate retries). Creates nothing, so no cleanup.
 */
export function provisionerStep(provisioner: PreparedProvisioner, name: string): Step<BuilderRun<unknown, unknown>> {
  return {
    name,
    where: provisioner.spec.where,
    async run({ ctx }, signal) {
      if (provisioner.pauseBeforeMs > 0) {
        ctx.reporter.info(`Pausing ${provisioner.pauseBeforeMs / 1000}s before ${name}`);
        await sleep(provisioner.pauseBeforeMs, signal);
      }
      const output = (stream: "stdout" | "stderr", line: string) => ctx.reporter.output(name, stream, line);
      // Loaded once, before the attempts: `max_retries` retries the provisioner's run, not its loading.
      const runtime = await provisioner.plugin.load();
      for (let attempt = 0; ; attempt++) {
        const limited = childSignal(signal, provisioner.timeoutMs, name);
        try {
          await runtime.run(
            withBuildData(provisioner.config, provisioner.spec.config, provisioner.plugin.schema, ctx.generated),
            { ctx, communicator: ctx.communicator, step: name, output },
            limited.signal,
          );
          return;
        } catch (error) {
          if (signal.aborted) throw abortReason(signal);
          const failure = limited.signal.aborted ? abortReason(limited.signal) : error;
          if (attempt >= provisioner.maxRetries || (isCancellation(failure) && !limited.signal.aborted)) throw failure;
          ctx.reporter.warn(
            `${name} failed (attempt ${attempt + 1} of ${provisioner.maxRetries + 1}): ${errorMessage(failure)}; retrying`,
          );
        } finally {
          limited.dispose();
        }
      }
    },
  };
}
