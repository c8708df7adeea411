/**
 * The code's layers, by path from the repository root: .dependency-cruiser.cjs enforces how they import
 * (`make lint`), scripts/loc.ts counts their lines (`make loc`). Ordered: a file belongs to the first
 * layer whose pattern matches.
 */
const KERNEL =
  "^provider/(engine/(errors|abort|events|step|typed-step|artifact|redact|context|trace)\\.ts|util/|communicator/types\\.ts)";
const PLUGINS = "^provider/(builders|provisioners|postprocessors|datasources|communicator)/";
const FRONT_ENDS = "^provider/(pulumi|cli|generated)/|^provider/index\\.ts$";

/** @type {readonly { name: string; path: string; what: string }[]} */
const LAYERS = [
  { name: "kernel", path: KERNEL, what: "errors, abort, events, step runner, artifact, redaction, work trace, util" },
  { name: "plugins", path: PLUGINS, what: "builders, provisioners, post-processors, data sources, SSH" },
  { name: "spec", path: "^provider/spec/", what: "the typed build definition and its checks" },
  { name: "template", path: "^provider/template/", what: "HCL2 and JSON templates, expressions, functions" },
  { name: "engine", path: "^provider/engine/", what: "build orchestration, fingerprint and its hash cache" },
  { name: "fleet", path: "^provider/fleet/", what: "blue/green planning and rollout, front-end neutral" },
  { name: "composition root", path: "^provider/kiln\\.ts$", what: "the engine with Kiln's plugin registries" },
  { name: "front ends", path: FRONT_ENDS, what: "Pulumi resource and plugin, CLI, generated types" },
  { name: "constructs", path: "^constructs/", what: "Pulumi components, CDKTF constructs" },
  { name: "tests", path: "^test/", what: "vitest suites and fixtures" },
  { name: "tools", path: "^(scripts|bench)/|^[^/]+$", what: "generators, setup, demo, bench, configuration" },
  { name: "examples", path: "^examples/", what: "programs a user copies" },
];

module.exports = { KERNEL, PLUGINS, FRONT_ENDS, LAYERS };
