/**
 * Node's own modules that `kiln` loads, loaded before kiln.ts sets its V8 flags.
 *
 * Node ships a V8 code cache for its own modules, and V8 refuses a code cache made under other flags:
 * once any V8 flag differs from its default, every Node module loaded after that is compiled from
 * source. Loaded first, they come from that cache: the modules an SSH build needs took 8–9 ms of CPU
 * that way and 23–28 ms after kiln's flags; a validate's share, 5 ms against 16 ms (measured, 7 runs).
 *
 * The list is what a `validate` and an SSH `build` load, less what those modules load themselves:
 * test/cli/node-builtins.test.ts fails naming a module that one of them loads after the flags. The
 * cloud builders' HTTP stack (http, https, tls, http2) stays out: loading it first would cost every
 * command 10–15 ms, and a cloud build runs for minutes.
 */
const BUILTINS = [
  "assert",
  "child_process",
  "crypto",
  "dgram",
  "dns",
  "fs/promises",
  "net",
  "os",
  "perf_hooks",
  "process",
  "timers/promises",
  "zlib",
] as const;

export function loadNodeBuiltins(): void {
  for (const name of BUILTINS) require(`node:${name}`);
}
