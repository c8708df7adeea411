#!/usr/bin/env node
/**
 * The `kiln` executable. `make build` bundles main.ts and everything it loads into kiln-bundle.js
 * (scripts/bundle-cli.ts): one file to read instead of hundreds to resolve. Node's compile cache
 * (Node 22.1+) keeps V8's compiled code between runs, so a second start skips compiling it; it is
 * enabled before the bundle loads, since it only applies to modules loaded after it.
 */
import * as nodeModule from "node:module";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// WebAssembly (tree-sitter's HCL parser) stays on V8's baseline compiler: by default the optimizing
// tier recompiles the whole parser in the background for a parse that is over long before that pays
// off, which cost ~25 MiB of peak memory and CPU on every start. `gc` lets file transfers free their dead
// buffers as they go (util/transfer-garbage.ts). Set before any module is compiled, so the compile cache
// sees the same flags in every run.
setFlagsFromString("--liftoff-only");
setFlagsFromString("--expose-gc");
(globalThis as { gc?: unknown }).gc ??= runInNewContext("gc");

const cacheable = nodeModule as { enableCompileCache?: (dir?: string) => unknown };
cacheable.enableCompileCache?.();
const cli = require(join(__dirname, "kiln-bundle.js")) as typeof import("./main");
void cli.runCli();
