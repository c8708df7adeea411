#!/usr/bin/env bash
# Packs the provider plugin as a tarball for `pulumi plugin install resource kiln VERSION --file TARBALL`:
# pulumi-resource-kiln at the top, the compiled package (dist/provider, schema.json, package.json) and its
# production dependencies with @pulumi/pulumi (locked versions, from npm's cache when it has them).
# Usage: scripts/pack-plugin.sh OUT.tar.gz   (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:?usage: pack-plugin.sh OUT.tar.gz}")
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
cp -r bin/pulumi-resource-kiln package.json package-lock.json schema.json "$stage/"
mkdir -p "$stage/dist" && cp -r dist/provider "$stage/dist/"
# The plugin needs @pulumi/pulumi, an optional peer of the library: a dependency in the plugin's copy.
node -e '
  const file = process.argv[1], pkg = require(file);
  pkg.dependencies["@pulumi/pulumi"] = require("./node_modules/@pulumi/pulumi/package.json").version;
  delete pkg.devDependencies; delete pkg.peerDependencies; delete pkg.peerDependenciesMeta;
  require("fs").writeFileSync(file, JSON.stringify(pkg, null, 2));
' "$stage/package.json"
(cd "$stage" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
rm -f "$stage/package-lock.json"
tar -czf "$out" -C "$stage" .
echo "$out"
