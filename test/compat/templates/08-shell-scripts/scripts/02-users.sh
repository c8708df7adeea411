#!/bin/bash
# A bash script: needs bash features.
declare -a users=(alice bob)
for u in "${users[@]}"; do
  echo "user $u" >> "$DEST/base/users"
done
echo "shell=${BASH_VERSION:+bash}" >> "$DEST/base/users"
