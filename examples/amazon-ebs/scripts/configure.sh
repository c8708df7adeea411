#!/bin/sh
# Writes the site's server config next to the site and records what was installed.
set -eu
: "${SITE_DIR:?SITE_DIR must be set}"
cat > "$SITE_DIR/site.conf" <<CONF
server {
  listen 80;
  root $SITE_DIR;
}
CONF
echo "configured $(ls "$SITE_DIR" | wc -l) files in $SITE_DIR"
