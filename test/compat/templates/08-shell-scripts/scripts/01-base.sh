#!/bin/sh
set -eu
# Runs with the provisioner's environment_vars and Packer's own variables.
mkdir -p "$DEST/base"
echo "base for $ROLE ($PACKER_BUILD_NAME on $PACKER_BUILDER_TYPE)" > "$DEST/base/info"
echo "argv0=$(basename "$0")" | sed 's/script_[0-9]*/script_N/' > "$DEST/base/argv0"
