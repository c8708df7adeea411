import pc from "picocolors";
import { CancelledError, ConfigError, errorMessage, KilnError } from "../engine/errors";

/** Exit statuses: scripts can tell a broken template from a failed build from an interrupt. */
export const EXIT = { ok: 0, buildFailed: 1, invalid: 2, cancelled: 130 } as const;

/** One place that turns any error into a message and an exit status. */
export function reportError(error: unknown, write: (text: string) => void): number {
  if (error instanceof ConfigError) {
    write(`${pc.red("Error:")} ${error.message}\n`);
    return EXIT.invalid;
  }
  if (error instanceof CancelledError || (error instanceof KilnError && error.code === "CANCELLED")) {
    write(`${pc.yellow("Cancelled:")} ${error.message}\n`);
    return EXIT.cancelled;
  }
  write(`${pc.red("Error:")} ${errorMessage(error)}\n`);
  return EXIT.buildFailed;
}
