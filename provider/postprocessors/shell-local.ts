import { z } from "zod";
import {
  checkShellLocal,
  runShellLocal,
  type ShellLocalConfig,
  shellLocalInputs,
  shellLocalShape,
} from "../provisioners/shell-local";
import type { PostProcessor } from "./types";

/** Packer's `shell-local` post-processor: runs local commands after the build, artifact unchanged. */
export const shellLocalPostProcessor: PostProcessor<ShellLocalConfig> = {
  type: "shell-local",
  schema: z.strictObject({ ...shellLocalShape, keep_input_artifact: z.boolean().optional() }),
  check: checkShellLocal,
  localInputs: shellLocalInputs,
  async run(config, artifact, context, signal) {
    const env: [string, string][] = [
      ["PACKER_BUILD_NAME", context.ctx.sourceName],
      ["PACKER_BUILDER_TYPE", artifact.builderType],
      ["PACKER_RUN_UUID", context.ctx.runUuid],
    ];
    await runShellLocal(config, env, { signal, cwd: context.ctx.baseDir, output: context.output });
    return artifact;
  },
};
