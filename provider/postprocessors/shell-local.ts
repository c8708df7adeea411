import { z } from "zod";
import {
  checkShellLocal,
  runShellLocal,
  type ShellLocalConfig,
  shellLocalEnvironment,
  shellLocalInputs,
  shellLocalShape,
} from "../provisioners/shell-local";
import type { PostProcessor } from "./types";

/** Packer's `shell-local` post-processor: runs local commands after the build, artifact unchanged. */
export const shellLocalPostProcessor: PostProcessor<ShellLocalConfig> = {
  type: "shell-local",
  summary: "Runs local commands after the build; the artifact passes on unchanged.",
  schema: z.strictObject({
    ...shellLocalShape,
    keep_input_artifact: z.boolean().optional().describe("Keep the input artifact. @default true"),
  }),
  check: checkShellLocal,
  sensitiveFields: [],
  localInputs: shellLocalInputs,
  async run(config, artifact, context, signal) {
    await runShellLocal(config, shellLocalEnvironment(context.ctx, artifact.builderType), {
      signal,
      cwd: context.ctx.baseDir,
      output: context.output,
    });
    return artifact;
  },
};
