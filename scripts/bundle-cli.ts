/**
 * Bundles the `kiln` CLI (provider/cli/main.ts and what it imports) into dist/provider/cli/kiln-bundle.js,
 * loaded by dist/provider/cli/kiln.js. Run by `make build` after tsc.
 *
 * Left outside the bundle, loaded from node_modules when first used: packages that find files next to
 * their own code (WASM grammars and runtimes, ssh2's optional native bindings) and the cloud SDKs, which
 * only amazon-ebs and azure-arm builds load: Azure's alone were 4.5 of the bundle's 7.5 MB, read and
 * parsed at every start, `kiln validate` included.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";

const ROOT = resolve(__dirname, "../..");
const OUTFILE = resolve(ROOT, "dist/provider/cli/kiln-bundle.js");

async function main(): Promise<void> {
  const { metafile } = await build({
    entryPoints: [resolve(ROOT, "provider/cli/main.ts")],
    outfile: OUTFILE,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: true,
    logLevel: "warning",
    metafile: true,
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
  // provider/cli/load-bundle.ts compiles the bundle without an ES module loader, where `import()` fails.
  const dynamic = Object.values(metafile.outputs).flatMap((output) =>
    output.imports.filter((i) => i.external && i.kind === "dynamic-import").map((i) => i.path),
  );
  if (dynamic.length)
    throw new Error(`the CLI bundle imports ${dynamic.join(", ")} with import(); load it with require() instead`);
  writeFileSync(OUTFILE, asciiOnly(readFileSync(OUTFILE, "utf8")));
}

/**
 * esbuild's default `charset: "ascii"` escapes strings, templates and names but leaves comments it keeps
 * (zod's among them) and regular expression literals as written. One such character makes Node read the
 * whole 2.6 MB bundle as UTF-16 (two bytes a character, a slower decode and compile-cache check) at every
 * start: measured ~6 ms of CPU per `kiln` run. In both places `\uXXXX` means the same character; only
 * columns after it on its own line move in the source map.
 */
export function asciiOnly(code: string): string {
  // Matched per UTF-16 unit: a character beyond U+FFFF becomes its two surrogate escapes, read back as it.
  return code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
