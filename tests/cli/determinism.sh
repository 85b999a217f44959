#!/usr/bin/env bash
# Same scenario and seed through the CLI with 1 and 2 threads, twice: reports identical but for
# the "run" block.
set -euo pipefail
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in 1 2; do
  for k in a b; do
    "$bin" run scenarios/default.json --trials 256 --threads "$t" --json "$tmp/$t$k.json" -q
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("run"); print(json.dumps(d, sort_keys=True))' \
      "$tmp/$t$k.json" > "$tmp/$t$k.norm"
  done
done
for f in 1b 2a 2b; do
  cmp "$tmp/1a.norm" "$tmp/$f.norm" || { echo "report differs: 1a vs $f"; exit 1; }
done
echo "1 passed, 0 failed"
