#!/usr/bin/env bash
# Usage: tools/regress.sh [--update] [--durasim BIN] [--baselines DIR] [--scenarios DIR]
#                         [--markdown FILE] [NAME...]
#
# Durability regression: re-runs the shipped scenarios (DIR/NAME.json, DIR scenarios/; all, or the
# NAMEs given) and compares each report with its baseline (results/baselines/NAME.json) using
# `durasim compare` (Holm at alpha 0.01; the same seed and trials, so the comparison is paired
# trial by trial and small changes show). Exits 1 when a figure is significantly worse, when a
# scenario's expectations ("expect") are not met, or when a baseline is missing; 2 on bad usage.
# --update rewrites the baselines from this build instead (commit them with the change that
# moved the numbers, saying why). --markdown FILE collects every comparison as Markdown (for a
# pull-request comment). BIN defaults to build/dev/durasim.
set -uo pipefail
cd "$(dirname "$0")/.."
durasim=build/dev/durasim
baselines=results/baselines
scenarios=scenarios
update=0
markdown=""
names=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --update) update=1 ;;
    --durasim) durasim=$2; shift ;;
    --baselines) baselines=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --markdown) markdown=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "regress.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1") ;;
  esac
  shift
done
if [ ! -x "$durasim" ]; then
  echo "regress.sh: $durasim is not an executable (build it: cmake --build --preset dev)" >&2
  exit 2
fi
if [ "${#names[@]}" -eq 0 ]; then
  for f in "$scenarios"/*.json; do names+=("$(basename "$f" .json)"); done
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$baselines"
failed=0
: > "$work/all.md"
for name in "${names[@]}"; do
  scenario=$scenarios/$name.json
  if [ ! -f "$scenario" ]; then
    echo "regress.sh: no scenario $scenario" >&2
    exit 2
  fi
  report=$work/$name.json
  "$durasim" run "$scenario" --json "$report" --quiet
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    echo "FAIL $name: durasim run exited $rc" >&2
    failed=1
    continue
  fi
  if [ "$rc" -eq 1 ]; then
    echo "FAIL $name: its expectations are not met (durasim run $scenario)" >&2
    failed=1
  fi
  if [ "$update" -eq 1 ]; then
    cp "$report" "$baselines/$name.json"
    echo "updated $baselines/$name.json"
    continue
  fi
  if [ ! -f "$baselines/$name.json" ]; then
    echo "FAIL $name: no baseline $baselines/$name.json (tools/regress.sh --update $name)" >&2
    failed=1
    continue
  fi
  "$durasim" compare "$baselines/$name.json" "$report" --markdown "$work/$name.md" --quiet
  rc=$?
  cat "$work/$name.md" >> "$work/all.md" 2>/dev/null
  case "$rc" in
    0) echo "ok   $name" ;;
    1) echo "WORSE $name:" >&2
       "$durasim" compare "$baselines/$name.json" "$report" 2>&1 | grep -E "FAIL|^base|differs" >&2
       failed=1 ;;
    *) echo "FAIL $name: durasim compare exited $rc" >&2; failed=1 ;;
  esac
done
if [ -n "$markdown" ]; then cp "$work/all.md" "$markdown"; fi
if [ "$failed" -ne 0 ]; then
  echo "regress.sh: durability numbers moved (see above); if intended, tools/regress.sh --update" >&2
  exit 1
fi
exit 0
