#!/usr/bin/env bash
# Every shipped scenario validates, runs at reduced size through the CLI, explains a trial,
# and writes its outputs whole; bad usage exits 2 and writes nothing.
#
# Usage: tests/cli/scenarios_run.sh DURASIM_BINARY   (from the source folder)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" || exit 2  # bin, tmp, pass, fail, ok, bad, check, summary
for f in scenarios/*.json; do
  check "$bin" validate "$f"
  if grep -qE '"(factor|ec)"' "$f"; then
    # The fleet form: a fleet block; no trace or narration (refused, exit 2, nothing written).
    check "$bin" run "$f" --trials 20 --json "$tmp/r.json" --csv "$tmp/r.csv" -q
    check /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["trials"]==20 and "fleet" in r and "layout" in r["fleet"]' "$tmp/r.json"
    set +e
    "$bin" explain "$f" --trial 0 > /dev/null 2>&1; code=$?
    "$bin" run "$f" --trials 20 --trace "$tmp/fleet.jsonl" -q 2>/dev/null; code2=$?
    set -e
    check test "$code" -eq 2
    check test "$code2" -eq 2
    check test ! -e "$tmp/fleet.jsonl"
    continue
  fi
  check "$bin" run "$f" --trials 20 --json "$tmp/r.json" --csv "$tmp/r.csv" --trace "$tmp/t.jsonl" -q
  check test -s "$tmp/r.json"
  check /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["trials"]==20 and "loss" in r and "scenario" in r' "$tmp/r.json"
  check "$bin" explain "$f" --trial 0
done
"$bin" explain scenarios/wal-single-disk.json --trial 3 > "$tmp/explain.txt"
check grep -q "disk_burnout" "$tmp/explain.txt"
check grep -q "data_loss" "$tmp/explain.txt"
"$bin" explain scenarios/feed-async.json --trial 0 > "$tmp/explain-async.txt"
check grep -q "writes_lost .*no standing copy holds the last [0-9]* acknowledged writes; RPO" "$tmp/explain-async.txt"
check grep -q "failover .*promoted the async replica on usw-1/n0/d0" "$tmp/explain-async.txt"
check grep -q "writes_accepted" "$tmp/explain-async.txt"
set +e
"$bin" run scenarios/default.json --set horizon=5parsecs --json "$tmp/bad.json" 2>/dev/null; code=$?
set -e
check test "$code" -eq 2
check test ! -e "$tmp/bad.json"
set +e; "$bin" run no/such/file.json 2>/dev/null; code=$?; set -e
check test "$code" -eq 4
# Disks that practically never fail: the chain's MTTDL overflows a double, which the summary and
# the markov answer say instead of failing or printing a negative time.
huge=(--set 'failures/disk/burnout/ttf=exponential(mean=1e300y)')
check "$bin" run scenarios/markov-3way.json --trials 20 "${huge[@]}" --json "$tmp/huge-run.json" \
  --progress never > "$tmp/huge-run.txt"
check grep -q "MTTDL > 1.8e308s  (exact CTMC of the copies)" "$tmp/huge-run.txt"
check "$bin" markov scenarios/markov-3way.json "${huge[@]}" --json "$tmp/huge.json"
check /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r["mttdl_s"] is None and "1.8e308" in r["mttdl_note"] and r["probability"] == 0' "$tmp/huge.json"
# A mean that does not fit a double is refused at its pointer.
set +e
"$bin" markov scenarios/markov-3way.json --set 'failures/disk/burnout/ttf=exponential(mean=1e308y)' \
  > /dev/null 2> "$tmp/huge-err.txt"
code=$?
set -e
check test "$code" -eq 2
check grep -q "/failures/disk/burnout/ttf" "$tmp/huge-err.txt"
set +e; "$bin" frobnicate 2>/dev/null; code=$?; set -e
check test "$code" -eq 2
check "$bin" --version
summary
