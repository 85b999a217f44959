#!/usr/bin/env bash
# Usage: tools/fuzz.sh [SECONDS]   (default 60)
# Builds the libFuzzer target (preset `asan-ubsan`: clang++ with ASan and UBSan, the build the
# sanitizer pass of tools/test.sh runs the unit tests from) and runs it for a
# bounded time over a corpus of the shipped scenarios and the bad-input corpus, copied to a
# temporary folder (the corpus it grows is thrown away). Limits per input: 64 KiB, 60 s,
# 2 GiB of memory (the largest fleet a scenario may declare, 2,000,000 disks, takes about 15 s
# of CPU under the fuzzer's instrumentation and 2 s in the dev build: more is a hang). A crash,
# leak or timeout stops it: the input is kept under build/asan-ubsan/artifacts/ and the script exits 1. Minimise it with
#   build/asan-ubsan/tests/fuzz/scenario_fuzz -minimize_crash=1 -runs=10000 FILE
# and add it to tests/scenario/bad/ with its expected pointer once durasim refuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
case "$seconds" in
  '' | *[!0-9]*)
    echo "usage: $0 [SECONDS]" >&2
    exit 2
    ;;
esac
source tools/setup.sh
durasim_install_missing
durasim_build asan-ubsan

corpus=$(mktemp -d "${TMPDIR:-/tmp}/durasim-fuzz.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
cp scenarios/*.json tests/scenario/bad/*.json "$corpus"/
artifacts=build/asan-ubsan/artifacts
mkdir -p "$artifacts"
echo "durasim: fuzzing the scenario reader and parser for ${seconds}s ($(ls "$corpus" | wc -l) seed files)" >&2
build/asan-ubsan/tests/fuzz/scenario_fuzz "$corpus" \
  -dict=tests/fuzz/scenario.dict -max_total_time="$seconds" -max_len=65536 -timeout=60 \
  -rss_limit_mb=2048 -malloc_limit_mb=2048 -print_final_stats=1 -print_funcs=0 \
  -artifact_prefix="$artifacts/" 2>&1 | grep -v '^#[0-9]*[[:space:]]*\(NEW\|REDUCE\|pulse\)' || {
  echo "durasim: the fuzzer found a crash; see $artifacts/" >&2
  exit 1
}
