# shellcheck shell=bash
# The prologue and the closing summary shared by the shell tests of tests/cli/, which take the
# durasim binary as their one argument and run from the source folder (as CTest runs them).
# Sourced, after the script's own `set` line (this file sets no shell option), with
#   . "$(dirname "$0")/lib.sh" || exit 2
# it provides:
#   bin           the binary given as $1, as an absolute path
#   tmp           a fresh temporary folder, removed on exit (by an EXIT trap: a script that sets
#                 its own EXIT trap must remove it too)
#   pass, fail    the counts of checks passed and failed
#   ok            counts a check passed
#   bad MSG...    prints "FAIL: MSG" and counts a check failed
#   check CMD...  runs CMD: ok if it exits 0, bad "CMD" otherwise
#   summary       prints "N passed, M failed" and exits: 1 if a check failed, 0 otherwise
# determinism.sh takes only bin and tmp from here: it counts scenarios, not checks, and prints its
# own summary. This file is only sourced, never run (and not executable).
# shellcheck disable=SC2034  # bin is for the scripts that source this file
bin=$(realpath "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
check() { if "$@"; then ok; else bad "$*"; fi; }
summary() {
  echo "$pass passed, $fail failed"
  if [ "$fail" -eq 0 ]; then exit 0; fi
  exit 1
}
