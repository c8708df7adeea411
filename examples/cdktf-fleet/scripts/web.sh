#!/bin/sh
# Installs the site. Edit the version and deploy again: a new image, a new fleet generation.
set -eu
VERSION=1
mkdir -p "$SITE_DIR"
printf '<h1>Kiln web v%s</h1><p>%s</p>\n' "$VERSION" "$SITE_MESSAGE" > "$SITE_DIR/index.html"
# The message is a secret: Kiln shows it as <sensitive> in the apply output.
echo "installed site v$VERSION in $SITE_DIR with message: $SITE_MESSAGE"
