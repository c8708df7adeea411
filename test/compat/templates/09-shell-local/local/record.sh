#!/bin/sh
# Runs on the machine running the build, with the provisioner's environment.
mkdir -p "$OUT"
echo "record: $PACKER_BUILD_NAME/$PACKER_BUILDER_TYPE stage=$STAGE" >> "$OUT/record.log"
# Packer's plugin machinery (PACKER_LOG*, PACKER_PLUGIN_*) and the harness's PACKER_NO_COLOR are not build data.
env | grep '^PACKER_' | grep -Ev '^PACKER_(LOG|LOG_PATH|PLUGIN_[A-Z_]+|NO_COLOR)=' | sort > "$OUT/packer-vars-$STAGE"
