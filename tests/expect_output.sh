#!/usr/bin/env bash
# Usage: tests/expect_output.sh PATTERN COMMAND [ARGS...]
#
# Runs COMMAND and passes only when it exits 0 AND a line of its standard output matches the
# extended regular expression PATTERN (grep -E). CTest's PASS_REGULAR_EXPRESSION alone ignores
# the exit status, so a tool that prints the expected line and then fails would pass: tests that
# check output go through this script instead. The output is echoed for CTest's log.
set -uo pipefail
if [ "$#" -lt 2 ]; then
  echo "usage: $0 PATTERN COMMAND [ARGS...]" >&2
  exit 2
fi
pattern=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$@" >"$out"
rc=$?
cat "$out"
if [ "$rc" -ne 0 ]; then
  echo "expect_output: exit status $rc (expected 0) from: $*" >&2
  exit 1
fi
if ! grep -qE -e "$pattern" "$out"; then
  echo "expect_output: no line of the output matches: $pattern" >&2
  exit 1
fi
