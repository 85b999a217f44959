#!/usr/bin/env bash
# Regenerates the studies whose figures the README shows, into results/studies/: each a sweep
# (its JSON and CSV kept beside the figure) and its figure (PNG and SVG) by tools/plot.py.
#
# Usage: tools/studies/run.sh [DURASIM_BINARY] [STUDY...]   (from anywhere; default: build/release)
#   studies: backup-interval, placement, replication-spread, rpo-latency (default: all)
# Each takes under a minute on 2 cores. Seeds are the scenarios' own: the figures are reproducible.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build/release/durasim}
shift || true
out=results/studies
mkdir -p "$out"
plot=(/usr/bin/python3 tools/plot.py)

# Backup interval against records lost after a bad delete (10% of the records deleted at a time
# drawn uniformly between 26 h and 70 h, noticed 30 minutes later): a full backup every 1 h to
# 24 h. The loss is the deleted records written since the last backup completed before the delete:
# on average about write rate x 10% x (interval / 2 + the backup's 200 s).
backup_interval() {
  "$bin" sweep scenarios/bad-delete-nightly-full.json --trials 200 --set 'faults=[]' \
    --set 'failures={"logical": {"bad_delete": {"ttf": "uniform(26h, 70h)", "fraction": 0.1, "detected_after": "30m"}}}' \
    --vary backups/0/every=1h,2h,4h,8h,12h,24h --json "$out/backup-interval.json" \
    --csv "$out/backup-interval.csv" -q
  "${plot[@]}" records "$out/backup-interval.json" -o "$out/backup-interval.png" \
    -o "$out/backup-interval.svg"
}

# Placement against simultaneous failures: a share of the 5,000 nodes lost at once, 3-way random
# placement against copysets (the Copysets experiment).
placement() {
  "$bin" sweep scenarios/fleet-3way-random.json --trials 400 \
    --vary faults/0/fraction=0.005,0.01,0.02 --vary replication/placement=random,copyset \
    --json "$out/placement.json" --csv "$out/placement.csv" -q
  "${plot[@]}" nines "$out/placement.json" -o "$out/placement.png" -o "$out/placement.svg"
}

# Durability against replication factor and spread: 2 or 3 copies spread by node or by
# datacenter, Weibull disks and a datacenter fire now and then (fleet-10k-weibull, 100 trials of
# 10 years).
replication_spread() {
  "$bin" sweep scenarios/fleet-10k-weibull.json --trials 100 \
    --vary replication/factor=2,3 --vary replication/spread=node,datacenter \
    --json "$out/replication-spread.json" --csv "$out/replication-spread.csv" -q
  "${plot[@]}" nines "$out/replication-spread.json" -o "$out/replication-spread.png" \
    -o "$out/replication-spread.svg"
}

# RPO and write latency: sync, async and quorum across distances. A sync replica in the same
# region (payments-sync) and in another region (orders-sync), an async one in another region
# (feed-async), a majority of three regions (quorum-3-regions): one report each, their RPO and
# write latency distributions side by side.
rpo_latency() {
  local reports=()
  for f in payments-sync orders-sync feed-async quorum-3-regions; do
    "$bin" run "scenarios/$f.json" --trials 200 --json "$out/$f.json" -q
    reports+=("$out/$f.json")
  done
  "${plot[@]}" rpo-cdf "${reports[@]}" -o "$out/rpo.png" -o "$out/rpo.svg"
  "${plot[@]}" latency-cdf "${reports[@]}" -o "$out/latency.png" -o "$out/latency.svg"
}

studies=("$@")
[ ${#studies[@]} -eq 0 ] && studies=(backup-interval placement replication-spread rpo-latency)
for s in "${studies[@]}"; do
  case "$s" in
    backup-interval) backup_interval ;;
    placement) placement ;;
    replication-spread) replication_spread ;;
    rpo-latency) rpo_latency ;;
    *) echo "tools/studies/run.sh: unknown study '$s'" >&2; exit 2 ;;
  esac
  echo "results/studies: $s done"
done
