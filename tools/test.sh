#!/usr/bin/env bash
# Usage: tools/test.sh [ctest options...]
# Installs what is missing, builds the dev preset and runs the whole CTest suite, fuzzes the
# scenario reader and parser for DURASIM_FUZZ_SECONDS (default 60; tools/fuzz.sh), runs the
# randomized checker (tools/swarm.py, 200 scenarios, seed 1), then runs the unit tests under
# AddressSanitizer and UBSan (preset asan-ubsan: clang, one build for the fuzzer and these).
# DURASIM_FUZZ_SECONDS=0 skips the fuzzer, DURASIM_SKIP_SANITIZERS=1 the sanitizer pass (each
# says so; CI sets neither).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
durasim_install_missing
jobs="$(nproc)"
durasim_build dev
ctest --preset dev -j "$jobs" "$@"
fuzz_seconds="${DURASIM_FUZZ_SECONDS:-60}"
if [ "$fuzz_seconds" = "0" ]; then
  echo "durasim: fuzzing skipped (DURASIM_FUZZ_SECONDS=0)" >&2
else
  tools/fuzz.sh "$fuzz_seconds"
fi
# The randomized checker: random valid scenarios under every invariant checker (about 40-65 s;
# a long hunt is --count 100000). Exits 1 when any scenario fails a check.
/usr/bin/python3 tools/swarm.py --durasim build/dev/durasim --count 200 --seed 1
if [ "${DURASIM_SKIP_SANITIZERS:-0}" = "1" ]; then
  echo "durasim: sanitizer pass skipped (DURASIM_SKIP_SANITIZERS=1)" >&2
  exit 0
fi
durasim_build asan-ubsan  # built already by tools/fuzz.sh unless fuzzing was skipped
ctest --preset asan-ubsan -j "$jobs"
