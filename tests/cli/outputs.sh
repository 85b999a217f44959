#!/usr/bin/env bash
# `durasim run`'s outputs through the real binary: the summary by default and the report with
# --json FILE or -; devices and symlinks left in place and written through; write errors
# (also on stdout) exit 4; clashing outputs (exit 2) and missing folders (exit 4) refused
# before simulating; never a temporary left behind.
#
# Usage: tests/cli/outputs.sh DURASIM_BINARY   (from the source folder)
set -u
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh" || exit 2  # bin, tmp, pass, fail, ok, bad, check, summary
# expect CODE ARGS...: `durasim ARGS` (at most 60 s) exits CODE; stdout in $tmp/out, stderr in
# $tmp/err.
expect() {
  local want=$1
  shift
  timeout 60 "$bin" "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got, expected $want: durasim $* :: $(head -c 300 "$tmp/err")"; fi
}
# to_full CODE ARGS...: the same with stdout on /dev/full.
to_full() {
  local want=$1
  shift
  timeout 60 "$bin" "$@" >/dev/full 2>"$tmp/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got, expected $want: durasim $* >/dev/full"; fi
  check grep -q "cannot write" "$tmp/err"
}
no_temporaries() {
  local left
  left=$(find "$tmp/w" -name '.*.tmp' | head -n 3)
  if [ -z "$left" ]; then ok; else bad "temporaries left: $left"; fi
}
json_trials() { /usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["trials"])' "$1"; }

small=(scenarios/markov-3way.json --trials 20)
long=(scenarios/default.json --trials 100000000)  # hours: refused at once, or the timeout fails it
mkdir "$tmp/w"

# The summary by default, the JSON report on request, -q silent.
expect 0 run "${small[@]}"
check grep -q '^P(loss) ' "$tmp/out"
check test "$(wc -l <"$tmp/out")" -lt 40
check test ! -s "$tmp/err"
expect 0 run "${small[@]}" --json -
check test "$(json_trials "$tmp/out")" = 20
check grep -q '^P(loss) ' "$tmp/err"
expect 0 run "${small[@]}" --json "$tmp/w/r.json" -q
check test ! -s "$tmp/out"
check test "$(json_trials "$tmp/w/r.json")" = 20

# Devices: written in place, never replaced; a failed write exits 4 and writes nothing else.
expect 4 run "${small[@]}" -q --json /dev/full --csv "$tmp/w/all.csv"
check test -c /dev/full
check grep -q "cannot write --json '/dev/full'" "$tmp/err"
check test ! -e "$tmp/w/all.csv"
expect 0 run "${small[@]}" -q --json /dev/null
check test -c /dev/null
expect 4 markov scenarios/markov-3way.json --json /dev/full
check test -c /dev/full

# /dev/stdout on a pipe (a link to no real path) and a fifo are written in place.
timeout 60 "$bin" run "${small[@]}" -q --json /dev/stdout | cat >"$tmp/piped"
code=${PIPESTATUS[0]}
check test "$code" -eq 0
check test "$(json_trials "$tmp/piped")" = 20
mkfifo "$tmp/w/fifo"
timeout 60 cat "$tmp/w/fifo" >"$tmp/from-fifo" &
expect 0 run "${small[@]}" -q --json "$tmp/w/fifo"
wait
check test -p "$tmp/w/fifo"
check test "$(json_trials "$tmp/from-fifo")" = 20

# Writes to stdout are checked.
to_full 4 run "${small[@]}"
to_full 4 run "${small[@]}" -q --json -
to_full 4 explain scenarios/markov-3way.json
to_full 4 markov scenarios/markov-3way.json
to_full 4 validate scenarios/markov-3way.json
to_full 4 --version

# Symlinks are written through: the link stays, its target gets the report.
mkdir "$tmp/w/real"
ln -s real/target.json "$tmp/w/link.json"
expect 0 run "${small[@]}" -q --json "$tmp/w/link.json"
check test -L "$tmp/w/link.json"
check test "$(readlink "$tmp/w/link.json")" = real/target.json
check test "$(json_trials "$tmp/w/real/target.json")" = 20
expect 0 run "${small[@]}" -q --json "$tmp/w/link.json"  # again, over the existing target
check test -L "$tmp/w/link.json"
ln -s /dev/full "$tmp/w/full-link"
expect 4 run "${small[@]}" -q --json "$tmp/w/full-link"
check test -L "$tmp/w/full-link"
check test -c /dev/full

# Clashing outputs, or the scenario as an output: exit 2 before simulating.
expect 2 run "${long[@]}" --json "$tmp/w/x" --csv "$tmp/w/./x"
check grep -q "are the same file" "$tmp/err"
check test ! -e "$tmp/w/x"
expect 2 run "${long[@]}" --json "$tmp/w/real/target.json" --trace "$tmp/w/link.json"
cp scenarios/markov-3way.json "$tmp/w/s.json"
expect 2 run "$tmp/w/s.json" --trials 100000000 --json "$tmp/w/s.json"
check grep -q "is the input file" "$tmp/err"
check cmp -s scenarios/markov-3way.json "$tmp/w/s.json"

# A missing folder, or a folder as the file: exit 4 before simulating, nothing written.
expect 4 run "${long[@]}" --csv "$tmp/w/c.csv" --json "$tmp/w/no/such/r.json"
check grep -q "cannot write --json '$tmp/w/no/such/r.json' (folder '$tmp/w/no/such')" "$tmp/err"
check test ! -e "$tmp/w/c.csv"
check test ! -s "$tmp/out"
expect 4 run "${long[@]}" --json "$tmp/w/real"
expect 4 run "${long[@]}" --json "$tmp/w/new-folder/"
expect 4 run "${long[@]}" --json "$tmp/w/link.json/r.json"  # a file as the folder

no_temporaries
summary
