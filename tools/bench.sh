#!/usr/bin/env bash
# Builds the release preset and runs the benchmarks (bench/): the EventQueue hold benchmark and
# trials per second of shipped scenarios. Extra arguments go to Google Benchmark, e.g.
#   tools/bench.sh --benchmark_filter=BM_Hold --benchmark_min_time=0.5
#
#   tools/bench.sh memory [TRIALS...]
# instead measures the peak resident memory (/usr/bin/time's maximum RSS) of `durasim run` over
# bench/scenarios/one-disk-quiet.json (about half a microsecond a trial) on 2 threads, for each trial
# count (default 1e6 and 1e8): it must not grow with the number of trials.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/setup.sh
durasim_install_missing
durasim_build release

if [ "${1:-}" = memory ]; then
  shift
  counts=("$@")
  [ ${#counts[@]} -eq 0 ] && counts=(1000000 100000000)
  scenario=bench/scenarios/one-disk-quiet.json
  report=$(mktemp)
  trap 'rm -f "$report"' EXIT
  echo "| trials | wall s | peak RSS (MiB) | trials/s |"
  echo "|---|---|---|---|"
  for n in "${counts[@]}"; do
    # %M: maximum resident set size in KiB; %e: elapsed seconds.
    stats=$(/usr/bin/time -f "%M %e" build/release/durasim run "$scenario" --trials "$n" \
      --threads 2 --progress never -q --json "$report" 2>&1 >/dev/null | tail -1)
    read -r rss_kib wall_s <<<"$stats"
    done_trials=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["trials"])' "$report")
    [ "$done_trials" = "$n" ] || { echo "bench: $n trials asked, report has $done_trials" >&2; exit 1; }
    awk -v n="$n" -v r="$rss_kib" -v w="$wall_s" \
      'BEGIN { printf "| %d | %.1f | %.1f | %.3g |\n", n, w, r / 1024, (w > 0 ? n / w : 0) }'
  done
  exit 0
fi

exec build/release/bench/durasim_bench --benchmark_counters_tabular=true "$@"
