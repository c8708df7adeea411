/**
 * Bundles the `kiln` CLI (provider/cli/main.ts and what it imports) into dist/provider/cli/kiln-bundle.js,
 * loaded by dist/provider/cli/kiln.js. Run by `make build` after tsc.
 *
 * Left outside the bundle, loaded from node_modules when first used: packages that find files next to
 * their own code (WASM grammars and runtimes, cpu-features' native binding) and the cloud SDKs, which
 * only amazon-ebs and azure-arm builds load: Azure's alone were 4.5 of the bundle's 7.5 MB, read and
 * parsed at every start, `kiln validate` included.
 *
 * ssh2 is bundled (its ~100 files cost ~20 ms of resolving and compiling per build), all but its native
 * crypto binding, which stays a require() of the file inside node_modules (see ssh2NativeCrypto).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { build, type Plugin } from "esbuild";

const ROOT = resolve(__dirname, "../..");
const OUTFILE = resolve(ROOT, "dist/provider/cli/kiln-bundle.js");
/** ssh2's compiled ciphers and MACs, which it requires by a path relative to its own code. */
export const SSH2_NATIVE_CRYPTO = "ssh2/lib/protocol/crypto/build/Release/sshcrypto.node";

/**
 * Points ssh2's require() of its native crypto at the package's copy. ssh2 falls back to Node's crypto
 * without a word when that require fails, encrypting packet by packet at about twice the CPU.
 */
const ssh2NativeCrypto: Plugin = {
  name: "ssh2-native-crypto",
  setup(bundler) {
    bundler.onResolve({ filter: /\/sshcrypto\.node$/ }, () => ({ path: SSH2_NATIVE_CRYPTO, external: true }));
  },
};

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
    plugins: [ssh2NativeCrypto],
    external: [
      "cpu-features",
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
  const imports = Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => i.path));
  if (!imports.includes(SSH2_NATIVE_CRYPTO))
    throw new Error(`ssh2 no longer requires ${SSH2_NATIVE_CRYPTO}: update ssh2NativeCrypto in scripts/bundle-cli.ts`);
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
