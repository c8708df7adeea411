/**
 * The dynamic provider's implementation, loaded with `require` inside the dynamic provider host (see
 * provider.ts): the shared operations, printing to the process's console (which the host forwards to the
 * display) and stopped by the signals Pulumi sends its plugins.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { processWriter } from "./console";
import type { BakedImageInputs, BakedImageOutputs } from "./inputs";
import { interruptible } from "./interrupt";
import { bakedImageOperations } from "./operations";

const operations = bakedImageOperations({ write: processWriter, interruptible });

export async function check(_olds: BakedImageInputs, news: BakedImageInputs): Promise<dynamic.CheckResult> {
  return { inputs: news, failures: await operations.check(news) };
}

export async function diff(_id: string, olds: BakedImageOutputs, news: BakedImageInputs): Promise<dynamic.DiffResult> {
  return operations.diff(olds, news);
}

export function create(inputs: BakedImageInputs): Promise<dynamic.CreateResult> {
  return operations.create(inputs);
}

export function read(id: string, props: BakedImageOutputs): Promise<dynamic.ReadResult> {
  return operations.read(id, props);
}

export async function update(
  _id: string,
  olds: BakedImageOutputs,
  news: BakedImageInputs,
): Promise<dynamic.UpdateResult> {
  return { outs: await operations.update(olds, news) };
}

export function remove(_id: string, props: BakedImageOutputs): Promise<void> {
  return operations.remove(props);
}
