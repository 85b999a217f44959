#!/usr/bin/env bash
# Same scenario and seed through the CLI with 1, 2 and 3 threads, twice: reports identical but
# for the "run" block, and --trace files (streamed as chunks finish) byte-identical. The default
# scenario (hardware failures and the write path) and a ten-year one with bad deletes and backups.
set -euo pipefail
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
for spec in "default:256" "logical-one-region-backups-10y:64"; do
  name=${spec%%:*}
  trials=${spec##*:}
  for t in 1 2 3; do
    for k in a b; do
      "$bin" run "scenarios/$name.json" --trials "$trials" --threads "$t" --json "$tmp/$t$k.json" \
        --trace "$tmp/$t$k.jsonl" -q
      /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("run"); print(json.dumps(d, sort_keys=True))' \
        "$tmp/$t$k.json" > "$tmp/$t$k.norm"
    done
  done
  for f in 1b 2a 2b 3a 3b; do
    cmp "$tmp/1a.norm" "$tmp/$f.norm" || { echo "$name: report differs: 1a vs $f"; exit 1; }
    cmp "$tmp/1a.jsonl" "$tmp/$f.jsonl" || { echo "$name: trace differs: 1a vs $f"; exit 1; }
  done
  test -s "$tmp/1a.jsonl" || { echo "$name: empty trace"; exit 1; }
  passed=$((passed + 1))
done
echo "$passed passed, 0 failed"
