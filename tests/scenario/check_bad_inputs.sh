#!/usr/bin/env bash
# Checks that durasim refuses every bad scenario in tests/scenario/bad/, at the right place.
#
# Usage: tests/scenario/check_bad_inputs.sh DURASIM_BINARY
#
# For each line FILE<TAB>JSON_POINTER<TAB>SCHEMA of tests/scenario/bad/expected.tsv:
#   - `DURASIM_BINARY validate FILE` must exit 2 and print on stderr a line starting with
#     "  JSON_POINTER: ";
#   - `DURASIM_BINARY run FILE --json OUT` (OUT in a fresh temporary directory) must exit 2
#     and leave nothing behind: neither OUT nor any other file in that directory;
#   - SCHEMA `schema`: the JSON Schema must refuse FILE with an error at JSON_POINTER
#     (tools/check_schema.py --expect-invalid --expect-path JSON_POINTER);
#     SCHEMA `schema-any`: the JSON Schema must refuse FILE (anywhere);
#     SCHEMA `durasim-only`: the schema is not consulted.
# Prints `ok FILE` or `FAIL FILE: reason` per file, then `N passed, M failed`; exits 1 if any
# failed, 2 on a usage error.

set -u

if [ "$#" -ne 1 ]; then
  echo "usage: $0 DURASIM_BINARY" >&2
  exit 2
fi
durasim=$1
case "$durasim" in
  */*) ;;
  *) durasim=./$durasim ;;  # a bare name means a file here, not something on PATH
esac
if [ ! -x "$durasim" ]; then
  echo "$0: $durasim is not an executable file" >&2
  exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bad_dir=$here/bad
expected=$bad_dir/expected.tsv
schema=$root/scenarios/schema/scenario.schema.json
checker=$root/tools/check_schema.py
python=/usr/bin/python3
limit=120  # seconds allowed for any one command; a hang is a failure, not a stuck test run

for f in "$expected" "$schema" "$checker" "$python"; do
  if [ ! -e "$f" ]; then
    echo "$0: missing $f" >&2
    exit 2
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/check_bad_inputs.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# Run a private copy, so that a rebuild of DURASIM_BINARY during the checks cannot make some
# files fail with "Permission denied" or mix the results of two builds.
if ! cp "$durasim" "$work/durasim"; then
  echo "$0: cannot copy $durasim" >&2
  exit 2
fi
durasim=$work/durasim

# describe_exit CODE: "exit CODE", or the signal for a crash, or a timeout.
describe_exit() {
  if [ "$1" -eq 124 ]; then
    echo "timed out after ${limit}s"
  elif [ "$1" -gt 128 ]; then
    echo "crashed (exit $1, signal $(($1 - 128)) $(kill -l "$(($1 - 128))" 2>/dev/null || true))"
  else
    echo "exit $1"
  fi
}

# has_line_starting FILE PREFIX: does some line of FILE start with PREFIX (a fixed string)?
has_line_starting() {
  PREFIX=$2 awk 'index($0, ENVIRON["PREFIX"]) == 1 { found = 1 } END { exit !found }' "$1"
}

# first_problem FILE: the first problem line of durasim's stderr, for failure messages.
first_problem() {
  local line
  line=$(grep -m1 '^  ' "$1" || head -n1 "$1")
  printf '%s' "${line:-<empty stderr>}" | cut -c1-200
}

passed=0
failed=0
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
  lineno=$((lineno + 1))
  case "$line" in '' | '#'*) continue ;; esac
  IFS=$'\t' read -r file ptr kind extra <<<"$line"
  reasons=()
  if [ -z "${file:-}" ] || [ -z "${ptr:-}" ] || [ -z "${kind:-}" ] || [ -n "${extra:-}" ]; then
    echo "FAIL expected.tsv:$lineno: expected FILE<TAB>JSON_POINTER<TAB>SCHEMA, found '$line'"
    failed=$((failed + 1))
    continue
  fi
  path=$bad_dir/$file
  case "$kind" in
    schema | schema-any | durasim-only) ;;
    *) reasons+=("SCHEMA column is '$kind'; expected schema, schema-any or durasim-only") ;;
  esac
  case "$ptr" in
    /*) ;;
    *) reasons+=("JSON pointer '$ptr' does not start with '/'") ;;
  esac
  if [ ! -f "$path" ]; then
    echo "FAIL $file: no such file in $bad_dir"
    failed=$((failed + 1))
    continue
  fi

  # 1. durasim validate: exit 2 and a problem reported at the pointer.
  err=$work/validate.err
  timeout "$limit" "$durasim" validate "$path" </dev/null >"$work/validate.out" 2>"$err"
  rc=$?
  if [ "$rc" -ne 2 ]; then
    reasons+=("validate: $(describe_exit "$rc"), expected exit 2")
  fi
  if ! has_line_starting "$err" "  $ptr: "; then
    reasons+=("validate: no problem reported at $ptr (first: $(first_problem "$err"))")
  fi

  # 2. durasim run --json OUT: exit 2 and nothing written.
  outdir=$(mktemp -d "$work/run.XXXXXX")
  out=$outdir/report.json
  timeout "$limit" "$durasim" run "$path" --json "$out" </dev/null >"$work/run.out" 2>"$work/run.err"
  rc=$?
  if [ "$rc" -ne 2 ]; then
    reasons+=("run: $(describe_exit "$rc"), expected exit 2")
  fi
  if [ -e "$out" ]; then
    reasons+=("run: wrote $(basename "$out") although the scenario is bad")
  elif [ -n "$(find "$outdir" -mindepth 1 -print -quit)" ]; then
    reasons+=("run: left files behind: $(find "$outdir" -mindepth 1 -printf '%f ')")
  fi
  rm -rf "$outdir"

  # 3. The JSON Schema, where it is expected to refuse the file.
  if [ "$kind" = schema ] || [ "$kind" = schema-any ]; then
    args=(--expect-invalid)
    [ "$kind" = schema ] && args+=(--expect-path "$ptr")
    timeout "$limit" "$python" "$checker" "${args[@]}" "$schema" "$path" </dev/null >"$work/schema.out" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ]; then
      why=$(grep -m1 -e 'accepted, but' -e 'no error' -e 'invalid schema' -e 'cannot read' "$work/schema.out" |
        sed "s|^$path: ||" | cut -c1-200)
      reasons+=("schema: check_schema.py $(describe_exit "$rc")${why:+: $why}")
    fi
  fi

  if [ "${#reasons[@]}" -eq 0 ]; then
    echo "ok $file"
    passed=$((passed + 1))
  else
    msg=${reasons[0]}
    for r in "${reasons[@]:1}"; do msg="$msg; $r"; done
    echo "FAIL $file: $msg"
    failed=$((failed + 1))
  fi
done <"$expected"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
