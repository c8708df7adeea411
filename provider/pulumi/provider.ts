import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Runtime from "./runtime";
import { loadRuntime, runtimeLocation } from "./runtime-loader";

/** The BakedImage implementation (runtime.ts), loaded in the provider host: see runtime-loader.ts. */
const RUNTIME = runtimeLocation(__dirname, "runtime", "kiln/pulumi/runtime");
const runtime = () => loadRuntime<typeof Runtime>(RUNTIME);

export const bakedImageProvider: dynamic.ResourceProvider = {
  check: (olds, news) => runtime().check(olds, news),
  diff: (id, olds, news) => runtime().diff(id, olds, news),
  create: (inputs) => runtime().create(inputs),
  read: (id, props) => runtime().read(id, props),
  update: (id, olds, news) => runtime().update(id, olds, news),
  delete: (id, props) => runtime().remove(id, props),
};
