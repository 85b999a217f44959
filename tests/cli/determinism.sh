#!/usr/bin/env bash
# Every shipped scenario (scenarios/**/*.json but the schema) through the CLI with 1, 2 and 3
# threads: the JSON reports are identical byte for byte once their "run" block is taken out, and
# the --trace files (streamed as chunks finish) are identical byte for byte.
#
# Threads only matter across chunks: the runner cuts trials into chunks of kChunkTrials = 64
# (include/durasim/runner/run.hpp), hands them to the threads as they come free and merges them
# in chunk order. 540 trials are 8 whole chunks and a partial ninth: 4.5 chunks per thread at 2
# threads, 3 at 3 threads, so chunks finish out of order and the merge order is exercised.
#
# Bounded (about 30-40 s on 2 cores): a few scenarios run with --set to cut the writes simulated
# per trial; the write model, the failures and the losses stay (each run must report incidents).
#
# Usage: tests/cli/determinism.sh DURASIM_BINARY   (from the source folder)
set -euo pipefail
bin="$1"
trials=540
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Per scenario: the --set overrides that keep the test bounded, and why.
overrides() {
  case "$1" in
    # 10 years at 2000 writes/s: the windows of writes before each of ~70 incidents per trial
    # dominate; at 200/s the same failures and losses, still windowed, 6x faster.
    default) echo "data/write_rate=200/s" ;;
    # 10 years at 500 writes/s with bad deletes every 2 years: 100/s halves the run, still
    # windowed, same failures, deletes and losses.
    logical-three-regions-10y) echo "data/write_rate=100/s" ;;
    *) echo "" ;;
  esac
}

normalise() {  # the report without its "run" block, keys in the order written
  /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert "run" in d, "report without a run block"
d.pop("run")
print(json.dumps(d, indent=1))' "$1"
}

incidents() {  # incidents over every cause in a report: the run must exercise failures
  /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(c.get("incidents", 0) for c in d["loss"]["by_cause"].values()))' "$1"
}

passed=0 failed=0
mapfile -t files < <(find scenarios -name '*.json' -not -path 'scenarios/schema/*' | sort)
test "${#files[@]}" -gt 0 || { echo "no scenarios found under scenarios/"; exit 1; }
for f in "${files[@]}"; do
  name=$(basename "$f" .json)
  sets=()
  for s in $(overrides "$name"); do sets+=(--set "$s"); done
  for t in 1 2 3; do
    "$bin" run "$f" --trials "$trials" --threads "$t" "${sets[@]}" --json "$tmp/$t.json" \
      --trace "$tmp/$t.jsonl" -q --progress never
    normalise "$tmp/$t.json" >"$tmp/$t.norm"
  done
  ok=1
  for t in 2 3; do
    if ! cmp -s "$tmp/1.norm" "$tmp/$t.norm"; then
      echo "FAIL $f: report at $t threads differs from 1 thread:"
      diff "$tmp/1.norm" "$tmp/$t.norm" | head -n 12 || true
      ok=0
    fi
    if ! cmp -s "$tmp/1.jsonl" "$tmp/$t.jsonl"; then
      echo "FAIL $f: trace at $t threads differs from 1 thread: $(cmp "$tmp/1.jsonl" "$tmp/$t.jsonl" || true)"
      ok=0
    fi
  done
  got=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["trials"])' "$tmp/1.json")
  if [ "$got" != "$trials" ]; then echo "FAIL $f: $got trials, expected $trials"; ok=0; fi
  n=$(incidents "$tmp/1.json")
  if [ "$n" -eq 0 ]; then echo "FAIL $f: no incident in $trials trials: nothing was compared"; ok=0; fi
  if [ ! -s "$tmp/1.jsonl" ]; then echo "FAIL $f: empty trace"; ok=0; fi
  if [ "$ok" = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed ($trials trials each at 1, 2 and 3 threads)"
test "$failed" -eq 0
