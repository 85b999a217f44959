#!/usr/bin/python3
"""Why replication is not a backup, measured: runs the bad-delete scenarios (the same delete of
10% of the records, noticed after 30 minutes, against three regions of replicas and then each
kind of backup) and the two ten-year stochastic scenarios, and prints both tables as Markdown.

  tools/bad_delete_table.py run --durasim build/release/durasim --out results/bad-delete-table
  tools/bad_delete_table.py render results/bad-delete-table/*.json
"""
import json
import sys

import seed_table

INJECTED = [
    ("bad-delete-three-regions", "", []),
    ("bad-delete-nightly-full", "", []),
    ("bad-delete-hourly-incremental", "", []),
    ("bad-delete-wal-archive", "", []),
    ("bad-delete-delayed-replica", "", []),
    ("bad-delete-delayed-replica", "noticed after 6h", ["faults/0/detected_after=6h"]),
]
TEN_YEARS = [
    ("logical-three-regions-10y", "", []),
    ("logical-one-region-backups-10y", "", []),
]


def run(args):
    render_paths(seed_table.run_reports(args, INJECTED + TEN_YEARS))


def duration(seconds):
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size:
            return "%.3g %s" % (seconds / size, unit)
    return "%.3g s" % seconds


def mean_ci(summary):
    return "%.4g [%.4g, %.4g]" % (summary["mean"], summary["ci95"][0], summary["ci95"][1])


def label(report):
    name = report["scenario"]["name"]
    faults = report["scenario"].get("faults", [])
    if faults and faults[0].get("detected_after") not in (None, "30m"):
        name += " (noticed after %s)" % faults[0]["detected_after"]
    return name


def render_paths(paths):
    reports = []
    for p in paths:
        with open(p) as f:
            reports.append(json.load(f))
    injected = [r for r in reports if r["scenario"].get("faults")]
    stochastic = [r for r in reports if not r["scenario"].get("faults")]
    if injected:
        print("| scenario | trials | recovered from | deleted records | lost records, mean "
              "[95% CI] | RPO max | recovery p50 |")
        print("|---|---|---|---|---|---|---|")
        for r in injected:
            lg = r["logical"]
            sources = ", ".join("%s %d" % (k, v) for k, v in lg["sources"].items() if v)
            rpo = "unbounded" if lg["rpo_s"]["unbounded"] else duration(lg["rpo_s"]["max"])
            recovery = duration(lg["recovery_s"]["p50"]) if lg["recovery_s"]["incidents"] else "-"
            print("| %s | %d | %s | %.4g | %s | %s | %s |" % (
                label(r), r["trials"], sources, lg["deleted_records"]["mean"],
                mean_ci(r["loss"]["lost_records"]), rpo, recovery))
    if injected and stochastic:
        print()
    if stochastic:
        print("| scenario | trials | P(hardware loss) | P(logical loss) | lost writes, mean "
              "[95% CI] | lost records, mean [95% CI] | bad-delete RPO p50 |")
        print("|---|---|---|---|---|---|---|")
        for r in stochastic:
            eff = r["loss"]["by_effect"]
            lg = r["logical"]
            rpo = duration(lg["rpo_s"]["p50"]) if lg["rpo_s"]["incidents"] else "unbounded"
            print("| %s | %d | %.3g | %.3g | %s | %s | %s |" % (
                r["scenario"]["name"], r["trials"], eff["hardware"]["probability"]["estimate"],
                eff["logical"]["probability"]["estimate"], mean_ci(r["loss"]["lost_writes"]),
                mean_ci(r["loss"]["lost_records"]), rpo))


if __name__ == "__main__":
    sys.exit(seed_table.main(run, render_paths, __doc__))
