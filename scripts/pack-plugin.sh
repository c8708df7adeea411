#!/usr/bin/env bash
# Packs the provider plugin as a tarball for `pulumi plugin install resource kiln VERSION --file TARBALL`:
# pulumi-resource-kiln at the top, the compiled package (dist/provider, dist/constructs, schema.json,
# package.json) and its production dependencies with @pulumi/pulumi and @pulumi/aws (the ImmutableFleet
# component's construct registers AWS resources) at the versions installed here, from npm's cache when it has them.
# Usage: scripts/pack-plugin.sh OUT.tar.gz   (after `make build`)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:?usage: pack-plugin.sh OUT.tar.gz}")
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
cp -r bin/pulumi-resource-kiln package.json package-lock.json schema.json "$stage/"
mkdir -p "$stage/dist" && cp -r dist/provider dist/constructs "$stage/dist/"
# The plugin needs @pulumi/pulumi and @pulumi/aws, optional peers of the library: dependencies in its copy.
node -e '
  const file = process.argv[1], pkg = require(file);
  for (const peer of ["@pulumi/pulumi", "@pulumi/aws"])
    pkg.dependencies[peer] = require(`./node_modules/${peer}/package.json`).version;
  delete pkg.devDependencies; delete pkg.peerDependencies; delete pkg.peerDependenciesMeta;
  require("fs").writeFileSync(file, JSON.stringify(pkg, null, 2));
' "$stage/package.json"
(cd "$stage" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline >/dev/null)
# The plugin runs compiled JavaScript: @pulumi/aws's type declarations and source maps are half its 84 MB.
find "$stage/node_modules/@pulumi/aws" \( -name '*.d.ts' -o -name '*.map' \) -delete
rm -f "$stage/package-lock.json"
tar -czf "$out" -C "$stage" .
echo "$out"
