#!/usr/bin/env bash
# Runs a command in the environment scripts/setup.sh wrote (.kiln/env): Node 22, pulumi, terraform.
set -euo pipefail
env_file="$(cd "$(dirname "$0")/.." && pwd)/.kiln/env"
[ -f "$env_file" ] || { echo "run: $env_file is missing: run 'make setup' first" >&2; exit 1; }
# shellcheck source=/dev/null
. "$env_file"
exec "$@"
