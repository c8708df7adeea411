#!/bin/sh
echo "setup for $APP_NAME $APP_VERSION" > "$DEST/setup.txt"
