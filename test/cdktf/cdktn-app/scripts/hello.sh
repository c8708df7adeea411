#!/bin/sh
echo "hello from a cdktn deploy"
