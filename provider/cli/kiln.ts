#!/usr/bin/env node
/**
 * The `kiln` executable. `make build` bundles main.ts and everything it loads into kiln-bundle.js
 * (scripts/bundle-cli.ts): one file to read instead of hundreds to resolve. Node's compile cache
 * (Node 22.1+) keeps V8's compiled code between runs, so a second start skips compiling it; it is
 * enabled before the bundle loads, since it only applies to modules loaded after it.
 */
import * as nodeModule from "node:module";
import { join } from "node:path";

const cacheable = nodeModule as { enableCompileCache?: (dir?: string) => unknown };
cacheable.enableCompileCache?.();
const cli = require(join(__dirname, "kiln-bundle.js")) as typeof import("./main");
void cli.runCli();
