/**
 * Bundles the `kiln` CLI (provider/cli/main.ts and what it imports) into dist/provider/cli/kiln-bundle.js,
 * loaded by dist/provider/cli/kiln.js. Run by `make build` after tsc.
 *
 * Left outside the bundle, loaded from node_modules when first used: packages that find files next to
 * their own code (WASM grammars and runtimes, ssh2's optional native bindings) and the cloud SDKs, which
 * only amazon-ebs and azure-arm builds load: Azure's alone were 4.5 of the bundle's 7.5 MB, read and
 * parsed at every start, `kiln validate` included.
 */
import { resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(__dirname, "../..");

async function main(): Promise<void> {
  await build({
    entryPoints: [resolve(ROOT, "provider/cli/main.ts")],
    outfile: resolve(ROOT, "dist/provider/cli/kiln-bundle.js"),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    external: [
      "ssh2",
      "web-tree-sitter",
      "@tree-sitter-grammars/*",
      "@cdktf/hcl2json",
      "@aws-sdk/*",
      "@azure/*",
      "@smithy/*",
      "@pulumi/*",
    ],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
