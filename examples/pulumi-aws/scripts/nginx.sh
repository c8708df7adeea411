#!/bin/sh
# Runs on the build instance as the SSH user. Editing this file changes the image's fingerprint:
# `pulumi preview` then shows the BakedImage being replaced.
set -eu
export DEBIAN_FRONTEND=noninteractive
sudo apt-get update -q
sudo apt-get install -y -q nginx
sudo install -m 0644 /tmp/site/index.html /var/www/html/index.html
echo "$SITE_MESSAGE" | sudo tee /var/www/html/message.txt >/dev/null
sudo systemctl enable nginx
