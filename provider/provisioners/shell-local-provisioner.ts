import { z } from "zod";
import { packerEnvironment } from "./shell";
import {
  checkShellLocal,
  runShellLocal,
  type ShellLocalConfig,
  shellLocalInputs,
  shellLocalShape,
} from "./shell-local";
import type { Provisioner } from "./types";

/** Packer's `shell-local` provisioner: runs commands where Kiln runs, during provisioning. */
export const shellLocalProvisioner: Provisioner<ShellLocalConfig> = {
  type: "shell-local",
  schema: z.strictObject(shellLocalShape),
  check: checkShellLocal,
  localInputs: shellLocalInputs,
  run: (config, context, signal) =>
    runShellLocal(
      config,
      // Packer's own process environment carries the run's UUID, and local commands inherit it.
      [...packerEnvironment({}, context), ["PACKER_RUN_UUID", context.ctx.runUuid]],
      { signal, cwd: context.ctx.baseDir, output: context.output },
    ),
};
