/**
 * `make lint` runs this: no import cycle anywhere (type-only imports count), and layers import downward.
 *   kernel   engine/{errors,abort,events,step,typed-step,artifact,redact,context,trace}, util/, communicator/types
 *   plugins  builders/, provisioners/, postprocessors/, datasources/, communicator/ — the kernel, and each other only
 *            through their contracts
 *   spec, template, engine (orchestration): given their plugins by the caller, they import none
 *   kiln.ts (the composition root: the engine with Kiln's plugins), then front ends (pulumi/, cli/, index)
 * The patterns are in scripts/layers.cjs (scripts/loc.ts counts lines by the same layers).
 */
const { KERNEL, PLUGINS, FRONT_ENDS } = require("./scripts/layers.cjs");
const PLUGIN_FAMILIES = "^provider/(builders|provisioners|postprocessors|datasources)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle (runtime or type) couples modules that should be layered.",
      from: { path: "^provider/" },
      to: { circular: true },
    },
    {
      name: "kernel-imports-nothing-above",
      severity: "error",
      comment: "The kernel (errors, abort, events, steps, artifact, util) is what everything builds on.",
      from: { path: KERNEL },
      to: { path: "^provider/", pathNot: KERNEL },
    },
    {
      name: "plugins-below-spec-engine-front-ends",
      severity: "error",
      comment: "Plugins depend on the kernel and plugin contracts, never on the orchestration or front ends.",
      from: { path: PLUGINS, pathNot: "^provider/builders/registry\\.ts$" },
      to: { path: "^provider/(spec/prepare|template|engine/(build|destroy|fingerprint|post-process|provision-step|connect-step|build-data))|" + FRONT_ENDS },
    },
    {
      name: "engine-receives-plugins",
      severity: "error",
      comment:
        "The engine, the spec checks and the template loader get their plugins from the caller (provider/kiln.ts composes Kiln's): they import plugin contracts (types.ts), never a plugin or a registry.",
      from: { path: "^provider/(engine|spec|template)/" },
      to: { path: PLUGIN_FAMILIES, pathNot: PLUGIN_FAMILIES + "types\\.ts$" },
    },
    {
      name: "nothing-imports-front-ends",
      severity: "error",
      comment: "Front ends (Pulumi, CLI) sit on top: the engine and plugins never import them.",
      from: { path: "^provider/", pathNot: FRONT_ENDS },
      to: { path: FRONT_ENDS },
    },
    {
      name: "cdk-constructs-free-of-pulumi",
      severity: "error",
      comment:
        "A CDKTF or CDK Terrain program does not install @pulumi/pulumi: nothing kiln/cdktf or kiln/cdktn loads, or names in its types, may need it.",
      from: { path: "^constructs/(cdktf|cdktn)/" },
      to: { path: "node_modules/@pulumi/", reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^dist/" },
  },
};
