#!/bin/sh
echo "exiting with 3, which the template accepts" > "$DEST/base/exit3"
exit 3
