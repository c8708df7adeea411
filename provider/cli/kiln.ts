#!/usr/bin/env node
/**
 * The `kiln` executable. `make build` bundles main.ts and everything it loads into kiln-bundle.js
 * (scripts/bundle-cli.ts): one file to read instead of hundreds to resolve. Node's compile cache
 * (Node 22.1+) keeps V8's compiled code between runs, so a second start skips compiling it; it is
 * enabled before the bundle loads, since it only applies to modules loaded after it. The bundle itself
 * is loaded by load-bundle.ts, with a cache that also holds the code compiled while a command ran.
 */
import * as nodeModule from "node:module";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { loadBundle } from "./load-bundle";
import { loadNodeBuiltins } from "./node-builtins";

// A run of kiln is short and waits on I/O; V8's defaults suit long-lived servers. Measured on a null build
// uploading 50 MB (`make bench`): each flag below cut peak memory, none cost measurable CPU (once Node's own
// modules load before them, below).
// - WebAssembly (tree-sitter's HCL parser) stays on V8's baseline compiler: by default the optimizing
//   tier recompiles the whole parser in the background for a parse that is over long before that pays
//   off (~25 MiB of peak memory and CPU on every start).
// - No TurboFan for JavaScript either: its background compiles of briefly hot code (module set-up, SSH
//   packet framing whose real work is in OpenSSL) took ~6 MiB; the baseline tiers run it fast enough.
// - The young generation keeps its first size instead of doubling up to 16 MiB per semi-space while
//   modules load (~6 MiB); `--max-semi-space-size` would say it directly but is read only at start-up.
// `gc` lets file transfers free their dead buffers as they go (util/transfer-garbage.ts). Set before any
// module is compiled, so the compile cache sees the same flags in every run; Node's own modules come
// first, while V8 still takes the code cache Node ships for them (node-builtins.ts).
loadNodeBuiltins();
setFlagsFromString("--liftoff-only");
setFlagsFromString("--no-opt");
setFlagsFromString("--semi-space-growth-factor=1");
setFlagsFromString("--expose-gc");
(globalThis as { gc?: unknown }).gc ??= runInNewContext("gc");

const cacheable = nodeModule as { enableCompileCache?: (dir?: string) => unknown };
cacheable.enableCompileCache?.();
const cli = loadBundle<typeof import("./main")>(join(__dirname, "kiln-bundle.js"), process.argv);
void cli.runCli();
