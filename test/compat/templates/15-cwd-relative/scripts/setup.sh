#!/bin/sh
echo "script found from $(basename "$PWD")" > "$1"
