#!/bin/sh
set -eu
export DEBIAN_FRONTEND=noninteractive
if [ -n "${PACKAGES}" ]; then
  sudo apt-get update -q
  # shellcheck disable=SC2086 # a space-separated list of package names
  sudo apt-get install -y -q ${PACKAGES}
fi
# API_TOKEN is a sensitive variable: Kiln prints <sensitive> wherever it would appear.
echo "configured with token ${API_TOKEN}"
