#!/bin/sh
set -eu
export DEBIAN_FRONTEND=noninteractive
sudo apt-get update -q
sudo apt-get install -y -q nginx
# API_TOKEN is a sensitive variable: Kiln prints <sensitive> wherever it would appear.
echo "configured with token ${API_TOKEN}"
