/**
 * The BakedImage provider's implementation, loaded with `require` inside the dynamic provider host (see
 * provider.ts). Each operation gets a signal that fires on interruption and on its own time limit.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { childSignal } from "../engine/abort";
import { parseDuration } from "../util/duration";
import { checkInputs } from "./check";
import { processWriter } from "./console";
import { createImage, DEFAULT_TIMEOUT } from "./create";
import { deleteImage } from "./delete";
import { diffImage } from "./diff";
import type { BakedImageInputs, BakedImageOutputs } from "./inputs";
import { interruptible } from "./interrupt";
import { readImage } from "./read";
import { updateImage } from "./update";

/** Deleting and re-tagging make a few API calls per region; this only guards against a hung endpoint. */
const DELETE_TIMEOUT_MS = 30 * 60_000;

export async function check(_olds: BakedImageInputs, news: BakedImageInputs): Promise<dynamic.CheckResult> {
  return { inputs: news, failures: await checkInputs(news) };
}

export async function diff(_id: string, olds: BakedImageOutputs, news: BakedImageInputs): Promise<dynamic.DiffResult> {
  return diffImage(olds, news);
}

export async function create(inputs: BakedImageInputs): Promise<dynamic.CreateResult> {
  // The build enforces `timeout` itself, per source, and cleans up when it runs out.
  return interruptible((signal) => createImage(inputs, { signal, write: processWriter }));
}

export async function read(id: string, props: BakedImageOutputs): Promise<dynamic.ReadResult> {
  return limited(DELETE_TIMEOUT_MS, "reading", (signal) => readImage(id, props, { signal }));
}

export async function update(
  _id: string,
  olds: BakedImageOutputs,
  news: BakedImageInputs,
): Promise<dynamic.UpdateResult> {
  const ms = parseDuration(news.timeout ?? DEFAULT_TIMEOUT);
  return { outs: await limited(ms, "updating", (signal) => updateImage(olds, news, { signal, write: processWriter })) };
}

export async function remove(_id: string, props: BakedImageOutputs): Promise<void> {
  await limited(DELETE_TIMEOUT_MS, "deleting", (signal) => deleteImage(props, { signal, write: processWriter }));
}

async function limited<T>(ms: number, what: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return interruptible(async (interrupted) => {
    const { signal, dispose } = childSignal(interrupted, ms, `BakedImage ${what}`);
    try {
      return await fn(signal);
    } finally {
      dispose();
    }
  });
}
