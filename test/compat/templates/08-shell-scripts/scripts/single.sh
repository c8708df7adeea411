#!/bin/sh
echo "single script, sudo-style execute_command: $SUDO_STYLE" > "$DEST/single"
pwd > "$DEST/single-pwd"
