#!/usr/bin/env bash
# Installs everything Kiln's demo, tests and benchmarks need on a fresh Debian machine, idempotently:
# OpenSSH server (the test target), Debian's packer (the reference), moto in a venv, npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v /usr/sbin/sshd >/dev/null 2>&1 || need_apt+=(openssh-server)
command -v packer >/dev/null 2>&1 || need_apt+=(packer)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl) # the Azure ARM double makes its TLS certificate
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

MOTO_VERSION=5.2.5
installed=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true)
if [ ! -x .venv/bin/moto_server ] || [ "$installed" != "$MOTO_VERSION" ]; then
  echo "setup: installing moto[server] $MOTO_VERSION into .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q "moto[server]==$MOTO_VERSION"
fi

# Install only when the lock file changed since the last install. Not `npm ci`: the registry mirror here
# does not serve other platforms' optional packages (biome, rollup binaries), which the lock file leaves
# out and `npm ci` then refuses; `npm install --no-save` installs the same locked versions.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm install (locked versions)"
  npm install --no-save --no-audit --no-fund
fi
