/**
 * The BakedImage provider's operations, for every front end: the dynamic provider host (runtime.ts) and
 * the `pulumi-resource-kiln` plugin (plugin/provider.ts) call these, and differ only in where output goes
 * and what interrupts them. Each operation gets a signal that fires on interruption and on its own limit.
 */
import { childSignal } from "../engine/abort";
import { traceWork } from "../engine/trace";
import { parseDuration } from "../util/duration";
import { type CheckedImage, type CheckInputs, checkImage, checkInputs } from "./check";
import type { LineWriter } from "./console";
import { createImage, DEFAULT_TIMEOUT } from "./create";
import { deleteImage } from "./delete";
import { diffImage, type ImageDiff } from "./diff";
import type { BakedImageInputs, BakedImageOutputs } from "./inputs";
import { readImage } from "./read";
import type { ArgsFailure } from "./to-spec";
import { updateImage } from "./update";

/** Deleting and re-tagging make a few API calls per region; this only guards against a hung endpoint. */
const DELETE_TIMEOUT_MS = 30 * 60_000;

/** What a front end provides: where lines go, and a way to run an operation that its user can stop. */
export interface OperationHost {
  readonly write: LineWriter;
  interruptible<T>(operation: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export interface BakedImageOperations {
  check(news: BakedImageInputs): Promise<ArgsFailure[]>;
  /** `check` for a front end that computes the fingerprint there too (the program computes it otherwise). */
  checkWithFingerprint(news: CheckInputs): Promise<CheckedImage>;
  diff(olds: BakedImageOutputs, news: BakedImageInputs): ImageDiff;
  create(inputs: BakedImageInputs): Promise<{ id: string; outs: BakedImageOutputs }>;
  read(id: string, props: BakedImageOutputs): Promise<{ id?: string; props?: BakedImageOutputs }>;
  update(olds: BakedImageOutputs, news: BakedImageInputs): Promise<BakedImageOutputs>;
  remove(props: BakedImageOutputs): Promise<void>;
}

export function bakedImageOperations(host: OperationHost): BakedImageOperations {
  const limited = <T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    host.interruptible(async (interrupted) => {
      const { signal, dispose } = childSignal(interrupted, ms, `BakedImage ${what}`);
      try {
        return await fn(signal);
      } finally {
        dispose();
      }
    });
  return {
    check: marked("check", (news) => checkInputs(news)),
    checkWithFingerprint: marked("check", (news) => checkImage(news, { fingerprint: true })),
    diff: marked("diff", (olds, news) => diffImage(olds, news)),
    // The build enforces `timeout` itself, per source, and cleans up when it runs out.
    create: marked("create", (inputs) =>
      host.interruptible((signal) => createImage(inputs, { signal, write: host.write })),
    ),
    read: marked("read", (id, props) =>
      limited(DELETE_TIMEOUT_MS, "reading", (signal) => readImage(id, props, { signal })),
    ),
    update: marked("update", (olds, news) =>
      limited(parseDuration(news.timeout ?? DEFAULT_TIMEOUT), "updating", (signal) =>
        updateImage(olds, news, { signal, write: host.write }),
      ),
    ),
    remove: marked("delete", (props) =>
      limited(DELETE_TIMEOUT_MS, "deleting", (signal) => deleteImage(props, { signal, write: host.write })),
    ),
  };
}

/** An operation marked on `kiln:work` as it starts, so what it loads and hashes counts against it. */
function marked<A extends unknown[], R>(name: string, operation: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    traceWork("operation", name);
    return operation(...args);
  };
}
