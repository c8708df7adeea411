import { z } from "zod";
import {
  checkShellLocal,
  runShellLocal,
  type ShellLocalConfig,
  shellLocalEnvironment,
  shellLocalInputs,
  shellLocalShape,
} from "./shell-local";
import type { Provisioner } from "./types";

/** Packer's `shell-local` provisioner: runs commands where Kiln runs, during provisioning. */
export const shellLocalProvisioner: Provisioner<ShellLocalConfig> = {
  type: "shell-local",
  summary: "Runs commands where Kiln runs, during provisioning.",
  schema: z.strictObject(shellLocalShape),
  check: checkShellLocal,
  sensitiveFields: [],
  localInputs: shellLocalInputs,
  run: (config, context, signal) =>
    runShellLocal(config, shellLocalEnvironment(context.ctx, context.ctx.builderType), {
      signal,
      cwd: context.ctx.baseDir,
      output: context.output,
    }),
};
