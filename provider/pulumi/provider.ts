import { existsSync } from "node:fs";
import { join } from "node:path";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Runtime from "./runtime";

/**
 * The object Pulumi serializes into the resource's `__provider` input and rebuilds inside its dynamic
 * provider host, a plain Node process started in the project directory. It must capture nothing but
 * text: no SDK clients, no native modules, no engine objects. So each method loads the real
 * implementation (runtime.ts) with `require`, by the absolute path resolved here in the program, and
 * falls back on the package name when the project has moved since the stack was deployed.
 */
const RUNTIME_FILE =
  [".js", ".ts"].map((ext) => join(__dirname, `runtime${ext}`)).find((file) => existsSync(file)) ??
  join(__dirname, "runtime.js");
const RUNTIME_PACKAGE = "kiln/pulumi/runtime";

function runtime(): typeof Runtime {
  try {
    return require(RUNTIME_FILE);
  } catch (error) {
    const notFound = (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    if (!notFound || !String((error as Error).message).includes(RUNTIME_FILE)) throw error;
    return require(RUNTIME_PACKAGE);
  }
}

export const bakedImageProvider: dynamic.ResourceProvider = {
  check: (olds, news) => runtime().check(olds, news),
  diff: (id, olds, news) => runtime().diff(id, olds, news),
  create: (inputs) => runtime().create(inputs),
  read: (id, props) => runtime().read(id, props),
  update: (id, olds, news) => runtime().update(id, olds, news),
  delete: (id, props) => runtime().remove(id, props),
};
