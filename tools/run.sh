#!/usr/bin/env bash
# Usage: tools/run.sh [SCENARIO] [durasim run options...]
# Installs what is missing, builds the release preset and runs the scenario
# (default scenarios/default.json), printing its summary (--json FILE or - for the report).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
durasim_install_missing
durasim_build release >&2
scenario="${1:-scenarios/default.json}"
[ $# -gt 0 ] && shift
exec build/release/durasim run "$scenario" "$@"
