import { channel } from "node:diagnostics_channel";

/**
 * Work that costs time without showing in a build's output: loading a template, validating a build
 * against its plugins, hashing its files for the fingerprint. Each is published on the diagnostics
 * channel `kiln:work`, so a test (or `node --require` a subscriber) can count how often an operation
 * does it; nothing is built when nobody subscribes. Front ends mark where each of their operations
 * (a Pulumi `check`, `create`…) starts, so the work can be counted per operation.
 */
export const WORK_CHANNEL = "kiln:work";

export interface WorkEvent {
  readonly kind: "operation" | "template-load" | "validate" | "fingerprint";
  /** The operation, the template path, or the build (block or source) validated or fingerprinted. */
  readonly subject: string;
}

const work = channel(WORK_CHANNEL);

export function traceWork(kind: WorkEvent["kind"], subject: string): void {
  if (work.hasSubscribers) work.publish({ kind, subject } satisfies WorkEvent);
}
