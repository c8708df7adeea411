import pc from "picocolors";
import type { Artifact } from "../engine/artifact";
import { formatMs } from "../engine/errors";
import type { BuildEvent } from "../engine/events";

const PALETTE = [pc.green, pc.cyan, pc.magenta, pc.yellow, pc.blue];

/**
 * Packer-style terminal output: `==> build: message` for progress, `    build: line` for remote output,
 * each build in its own colour so parallel builds stay readable when interleaved.
 */
export class HumanDisplay {
  private readonly colours = new Map<string, (text: string) => string>();
  constructor(private readonly write: (text: string) => void) {}

  handle(event: BuildEvent): void {
    const paint = this.colourOf(event.build);
    const name = event.build;
    switch (event.type) {
      case "build-started":
        this.line(paint(`${name}: output will be in this color (build ID ${event.buildId}).`));
        break;
      case "step-started":
        this.line(paint(`==> ${name}: ${event.step}`));
        break;
      case "step-finished":
        if (event.error) this.line(pc.red(`==> ${name}: ${event.step} failed: ${event.error}`));
        break;
      case "output":
        this.line(
          event.stream === "stderr" ? paint(`    ${name}: ${event.line}`) : `    ${paint(`${name}:`)} ${event.line}`,
        );
        break;
      case "message":
        this.line(
          event.level === "info" ? paint(`==> ${name}: ${event.text}`) : pc.yellow(`==> ${name}: ${event.text}`),
        );
        break;
      case "cleanup-started":
        this.line(paint(`==> ${name}: cleaning up: ${event.step}`));
        break;
      case "cleanup-finished":
        if (event.error) this.line(pc.red(`==> ${name}: cleanup of ${event.step} failed: ${event.error}`));
        break;
      case "artifact":
        break;
      case "build-finished":
        this.line(
          event.ok
            ? paint(`Build '${name}' finished after ${formatMs(event.durationMs)}.`)
            : pc.red(`Build '${name}' errored after ${formatMs(event.durationMs)}: ${event.error ?? "unknown error"}`),
        );
        break;
    }
  }

  summary(artifacts: readonly Artifact[]): void {
    if (!artifacts.length) return;
    this.line("\n==> Builds finished. The artifacts of successful builds are:");
    for (const artifact of artifacts) {
      this.line(`--> ${artifact.buildName}: ${describe(artifact)}`);
    }
  }

  private colourOf(build: string) {
    let paint = this.colours.get(build);
    if (!paint) {
      paint = PALETTE[this.colours.size % PALETTE.length] ?? pc.green;
      this.colours.set(build, paint);
    }
    return paint;
  }

  private line(text: string): void {
    this.write(`${text}\n`);
  }
}

function describe(artifact: Artifact): string {
  if (artifact.builderType === "null") return "Did not export anything. This is the null builder";
  if (artifact.files.length && !artifact.id) return artifact.files.join(", ");
  return artifact.id;
}

/** `--json`: one event per line, for machines. */
export function jsonDisplay(write: (text: string) => void) {
  return (event: BuildEvent) => write(`${JSON.stringify(event)}\n`);
}
