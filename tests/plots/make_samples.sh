#!/usr/bin/env bash
# Regenerates tests/plots/samples/ (the inputs tests/plots/check_plots.py draws) with a durasim
# binary. Usage: tests/plots/make_samples.sh DURASIM_BINARY   (from the source folder)
set -euo pipefail
bin=$1
out=tests/plots/samples
mkdir -p "$out"
"$bin" sweep scenarios/markov-3way.json --trials 2000 --vary storage/replace_after=1d,3d,9d,27d \
  --json "$out/sweep-nines.json" --csv "$out/sweep-nines.csv" -q
"$bin" sweep scenarios/bad-delete-nightly-full.json --trials 20 --vary backups/0/every=1h,6h,24h \
  --json "$out/sweep-records.json" --csv "$out/sweep-records.csv" -q
"$bin" run scenarios/logical-one-region-backups-10y.json --trials 100 --json "$out/causes.json" -q
for f in payments-sync feed-async quorum-3-regions; do
  "$bin" run "scenarios/$f.json" --trials 100 --json "$out/$f.json" -q
done
"$bin" run scenarios/fleet-3way-random.json --trials 200 --set faults/0/fraction=0.03 \
  --json "$out/fleet.json" -q
"$bin" run scenarios/wal-single-disk.json --trials 5 --trace "$out/trace.jsonl" --json /dev/null -q
