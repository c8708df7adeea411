// Lets Node's own `require` load the TypeScript sources, as it would load Kiln's compiled JavaScript:
// only `.ts` files are transpiled, everything else (ESM-only packages such as execa included) loads
// natively. The BakedImage provider loads its runtime with `require`, in this process and in the
// fresh Node processes the serialization tests start (`node --require test/pulumi/ts-require.cjs`).
"use strict";
const { readFileSync } = require("node:fs");
const Module = require("node:module");

if (!Module._extensions[".ts"]) {
  const { transformSync } = require("esbuild");
  Module._extensions[".ts"] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, "utf8"), {
      loader: "ts",
      format: "cjs",
      target: "node20",
      // As tsc's CommonJS output does: lazy `import()` of a sibling module becomes `require`.
      supported: { "dynamic-import": false },
      sourcefile: filename,
      sourcemap: "inline",
    });
    module._compile(code, filename);
  };
}
