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
# Bounded (about 25-30 s of CPU; 30-50 s measured on a 2-core machine shared with other builds):
# two scenarios run with --set to cut the writes simulated per trial; the write model, the
# failures and the losses stay (each run must report incidents).
#
# Usage: tests/cli/determinism.sh DURASIM_BINARY   (from the source folder)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" || exit 2  # bin, tmp
trials=540

# Per scenario: the --set overrides that keep the test bounded, and why.
overrides() {
  case "$1" in
    # 10 years at 2000 writes/s: the windows of writes before each of ~70 incidents per trial
    # dominate; at 200/s the same failures and losses, still windowed, 6x faster.
    default) echo "data/write_rate=200/s" ;;
    # 10 years at 500 writes/s with bad deletes every 2 years: 100/s halves the run, still
    # windowed, same failures, deletes and losses.
    logical-three-regions-10y) echo "data/write_rate=100/s" ;;
    # 10,008 disks for 10 years: 2 years are the same fleet, repairs and waits, 5x faster.
    fleet-10k-weibull) echo "horizon=2y" ;;
    *) echo "" ;;
  esac
}

passed=0 failed=0
mapfile -t files < <(find scenarios -name '*.json' -not -path 'scenarios/schema/*' | sort)
test "${#files[@]}" -gt 0 || { echo "no scenarios found under scenarios/"; exit 1; }
for f in "${files[@]}"; do
  name=$(basename "$f" .json)
  key=${f//\//_}  # distinct for scenarios of one name in two folders
  sets=()
  for s in $(overrides "$name"); do sets+=(--set "$s"); done
  # The fleet form (replication.factor or ec) has no trace: its reports alone are compared.
  fleet=0
  grep -qE '"(factor|ec)"' "$f" && fleet=1
  for t in 1 2 3; do
    trace=(--trace "$tmp/$t.jsonl")
    [ "$fleet" = 1 ] && trace=()
    "$bin" run "$f" --trials "$trials" --threads "$t" "${sets[@]}" --json "$tmp/$key.$t.json" \
      "${trace[@]}" -q --progress never
  done
  if [ "$fleet" = 1 ]; then
    passed=$((passed + 1))
    continue
  fi
  same=1
  [ -s "$tmp/1.jsonl" ] || { echo "FAIL $f: empty trace"; same=0; }
  for t in 2 3; do
    if ! cmp -s "$tmp/1.jsonl" "$tmp/$t.jsonl"; then
      echo "FAIL $f: trace at $t threads differs from 1 thread: $(cmp "$tmp/1.jsonl" "$tmp/$t.jsonl" || true)"
      same=0
    fi
  done
  rm -f "$tmp"/*.jsonl
  if [ "$same" = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
# The reports, all at once: identical once "run" is taken out (keys in the order written), the
# trials asked for, and at least one incident (something was compared).
reports_ok=1
if ! /usr/bin/python3 - "$tmp" "$trials" "${files[@]}" <<'PY'
import difflib, json, os, sys
tmp, trials, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
bad = set()
for f in files:
    key = f.replace("/", "_")
    text = {}
    for t in (1, 2, 3):
        report = json.load(open(os.path.join(tmp, f"{key}.{t}.json")))
        assert "run" in report, f"{f}: report without a run block"
        report.pop("run")
        text[t] = json.dumps(report, indent=1).splitlines()
        if t == 1:
            if report["trials"] != trials:
                print(f"FAIL {f}: {report['trials']} trials, expected {trials}")
                bad.add(f)
            if sum(c.get("incidents", 0) for c in report["loss"]["by_cause"].values()) == 0:
                print(f"FAIL {f}: no incident in {trials} trials: nothing was compared")
                bad.add(f)
    for t in (2, 3):
        if text[t] != text[1]:
            print(f"FAIL {f}: report at {t} threads differs from 1 thread:")
            print("\n".join(list(difflib.unified_diff(text[1], text[t], "1 thread", f"{t} threads",
                                                      lineterm="", n=0))[:12]))
            bad.add(f)
print(f"reports: {len(files) - len(bad)} of {len(files)} scenarios identical at 1, 2 and 3 threads")
sys.exit(1 if bad else 0)
PY
then
  reports_ok=0
fi
echo "traces: $passed of ${#files[@]} scenarios identical at 1, 2 and 3 threads ($trials trials each)"
test "$failed" -eq 0 && test "$reports_ok" = 1
