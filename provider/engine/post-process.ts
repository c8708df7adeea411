import type { PreparedBuild, PreparedSource } from "../spec/prepare";
import { selectedBy } from "../spec/prepare";
import { throwIfAborted } from "./abort";
import type { Artifact } from "./artifact";
import { withBuildData } from "./build-data";
import type { BuildContext } from "./context";
import { errorMessage, StepError } from "./errors";

/**
 * Feeds the builder's artifact through each post-processor chain that applies to this source. Returns the
 * new artifacts the chains produced; the builder's own artifact is kept (Packer keeps it unless a
 * post-processor replaces it).
 */
export async function postProcessArtifact(
  prepared: PreparedBuild,
  source: PreparedSource,
  ctx: BuildContext,
  artifact: Artifact,
  signal: AbortSignal,
): Promise<Artifact[]> {
  const produced: Artifact[] = [];
  for (const chain of prepared.postProcessors) {
    let current = artifact;
    for (const pp of chain) {
      if (!selectedBy(source, pp.spec.only, pp.spec.except)) continue;
      throwIfAborted(signal);
      const step = `post-processor ${pp.spec.type}`;
      const t0 = Date.now();
      ctx.reporter.emit({ type: "step-started", step, index: 0, total: 1 });
      try {
        current = await (await pp.plugin.load()).run(
          withBuildData(pp.config, pp.spec.config, pp.plugin.schema, ctx.generated),
          current,
          { ctx, step, output: (stream, line) => ctx.reporter.output(step, stream, line) },
          signal,
        );
      } catch (error) {
        ctx.reporter.emit({ type: "step-finished", step, durationMs: Date.now() - t0, error: errorMessage(error) });
        throw new StepError(ctx.buildName, step, error, pp.spec.where);
      }
      ctx.reporter.emit({ type: "step-finished", step, durationMs: Date.now() - t0 });
      if (current !== artifact && !produced.includes(current)) {
        produced.push(current);
        ctx.reporter.emit({ type: "artifact", artifact: current });
      }
    }
  }
  return produced;
}
