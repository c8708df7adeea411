#!/bin/sh
echo "script via path.root: $1" > "$2"
