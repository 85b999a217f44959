#!/usr/bin/env bash
# SIGTERM and SIGINT through the real binary: a long run stops with exit 130 and, with --json,
# a partial report ("partial": true, the trials it holds) equal to a run of that many trials,
# with the CSV and trace of the same trials; without --json nothing is written; `explain`
# stops too. Every command is bounded by `timeout`.
#
# Usage: tests/cli/interrupt.sh DURASIM_BINARY   (from the source folder)
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" || exit 2  # bin, tmp, pass, fail, ok, bad, check, summary
py() { /usr/bin/python3 -c "$@"; }

long=(scenarios/markov-3way.json --trials 100000000)  # days: only a signal ends it

# start MIN ARGS...: `durasim ARGS` in the background (killed after 120 s), stderr in $tmp/err;
# returns once its progress bar shows MIN trials done. With 2 threads a chunk can finish before
# an earlier one (and only the finished prefix is kept): MIN is then several chunks.
start() {
  local min=$1 count
  shift
  timeout -s KILL 120 "$bin" "$@" --progress always >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 1 600); do
    count=$(grep -o '[0-9]*/100000000 trials' "$tmp/err" 2>/dev/null | tail -n 1 | cut -d/ -f1)
    [ -n "$count" ] && [ "$count" -ge "$min" ] && return 0
    sleep 0.1
  done
  bad "not $min trials after 60 s: durasim $*"
}
# wait_handlers: returns once durasim (the child of `timeout`, $pid) catches SIGINT and SIGTERM.
wait_handlers() {
  local child mask
  for _ in $(seq 1 600); do
    child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | cut -d' ' -f1)
    mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$child/status" 2>/dev/null)
    # SIGINT is bit 1, SIGTERM bit 14.
    [ -n "$mask" ] && [ $((0x$mask & 0x4002)) -eq $((0x4002)) ] && return 0
    sleep 0.1
  done
  bad "durasim does not catch SIGINT and SIGTERM after 60 s"
}
# stop SIGNAL: sends it, waits, sets $code.
stop() {
  kill "-$1" "$pid"
  wait "$pid"
  code=$?
}

for case in TERM:1:64 INT:2:512; do
  IFS=: read -r signal threads min <<<"$case"
  w=$tmp/$signal
  mkdir "$w"
  start "$min" run "${long[@]}" --threads "$threads" --json "$w/p.json" --csv "$w/p.csv" \
    --trace "$w/p.jsonl"
  stop "$signal"
  check test "$code" -eq 130
  check grep -q "interrupted after [0-9]* of 100000000 trials" "$tmp/err"
  check grep -q "partial report of the first [0-9]* trials written to $w/p.json" "$tmp/err"
  n=$(py 'import json,sys; print(json.load(open(sys.argv[1]))["trials"])' "$w/p.json")
  check py 'import json,sys
r = json.load(open(sys.argv[1]))
assert r["partial"] is True, "partial"
assert r["scenario"]["trials"] == 100000000, "requested"
n = r["trials"]
assert 0 < n < 100000000 and n % 64 == 0, n' "$w/p.json"
  # The CSV and the trace hold the same trials, the trace in trial order.
  check py 'import csv,sys
row = list(csv.DictReader(open(sys.argv[1])))[0]
assert row["trials"] == sys.argv[2] and row["partial"] == "true", row' "$w/p.csv" "$n"
  check py 'import json,sys
trials = [json.loads(l)["trial"] for l in open(sys.argv[1])]
assert trials == sorted(trials) and trials[-1] == int(sys.argv[2]) - 1, trials[-1]' "$w/p.jsonl" "$n"
  # The partial report is the report of a run of that many trials.
  timeout 120 "$bin" run scenarios/markov-3way.json --trials "$n" --json "$w/full.json" -q
  check py 'import json,sys
def core(path):
    r = json.load(open(path))
    for k in ("run", "partial", "scenario"):
        r.pop(k, None)
    return r
assert core(sys.argv[1]) == core(sys.argv[2])' "$w/p.json" "$w/full.json"
  check test -z "$(find "$w" -name '.*.tmp')"
done

# Without --json: exit 130 and nothing written (not even a CSV or a trace).
w=$tmp/nojson
mkdir "$w"
start 64 run "${long[@]}" --threads 2 --csv "$w/p.csv" --trace "$w/p.jsonl"
stop TERM
check test "$code" -eq 130
check grep -q "nothing written" "$tmp/err"
check test -z "$(ls -A "$w")"

# explain stops too: one trial of 86 million simulated writes (half a minute or more).
for signal in INT TERM; do
  timeout -s KILL 120 "$bin" explain scenarios/markov-3way.json --horizon 1d \
    --set data/write_rate=1000/s --set limits/write_model=full --set limits/events_per_trial=1000000000 \
    >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  wait_handlers
  sleep 0.5
  stop "$signal"
  check test "$code" -eq 130
  check grep -q "interrupted" "$tmp/err"
done

summary
