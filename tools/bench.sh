#!/usr/bin/env bash
# Builds the release preset and runs the benchmarks (bench/): the EventQueue hold benchmark and
# trials per second of shipped scenarios. Extra arguments go to Google Benchmark, e.g.
#   tools/bench.sh --benchmark_filter=BM_Hold --benchmark_min_time=0.5
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
durasim_install_missing
durasim_build release
exec build/release/bench/durasim_bench --benchmark_counters_tabular=true "$@"
