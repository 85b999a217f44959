#!/usr/bin/env bash
# Shared set-up for tools/run.sh and tools/test.sh: installs the Debian packages durasim needs
# (only those missing), then configures and builds the given CMake preset into build/<preset>.
# Idempotent: a second call installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

DURASIM_PACKAGES=(build-essential cmake ninja-build g++ libboost-graph-dev nlohmann-json3-dev
  libcli11-dev libeigen3-dev librandom123-dev libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-jsonschema python3-matplotlib clang libclang-rt-14-dev time
  libopenmpi-dev openmpi-bin jq)

durasim_install_missing() {
  local missing=()
  for p in "${DURASIM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "durasim: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
  fi
}

durasim_build() {
  local preset="$1"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)"
}
