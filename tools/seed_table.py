#!/usr/bin/python3
"""The seed's sync/async table, measured: runs the five replication scenarios against the same
faults (the primary's disk burns out; its datacenter burns; its region is destroyed) and prints
RPO, lost writes and write latency side by side as a Markdown table.

  tools/seed_table.py run --durasim build/release/durasim --out results/seed-table
  tools/seed_table.py render results/seed-table/*.json
"""
import argparse
import json
import os
import subprocess
import sys

SCENARIOS = ["payments-sync", "orders-sync", "feed-async", "analytics-async", "quorum-3-regions"]
# (label, --set overrides) applied to the scenario's single fault (faults/0).
FAULTS = [
    ("disk burnout", []),
    ("datacenter fire", ["faults/0/kind=fire", "faults/0/target=use-1"]),
    ("region earthquake", ["faults/0/kind=earthquake", "faults/0/target=us-east"]),
]


def run_reports(args, jobs):
    """Runs each (scenario name, label, --set overrides) into args.out; returns the paths."""
    os.makedirs(args.out, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = []
    for name, label, sets in jobs:
        suffix = "--" + label.replace(" ", "-") if label else ""
        out = os.path.join(args.out, name + suffix + ".json")
        cmd = [args.durasim, "run", os.path.join(root, "scenarios", name + ".json"),
               "--json", out, "-q"]
        if args.trials:
            cmd += ["--trials", str(args.trials)]
        for s in sets:
            cmd += ["--set", s]
        subprocess.run(cmd, check=True)
        paths.append(out)
    return paths


def run(args):
    render_paths(run_reports(args, [(name, label, sets) for name in SCENARIOS
                                    for label, sets in FAULTS]))


def ms(seconds):
    return "%.3g ms" % (seconds * 1e3) if seconds < 1 else "%.3g s" % seconds


def rpo_cell(rpo):
    """p99 of the bounded RPOs; incidents that recovered nothing are unbounded, counted apart."""
    if rpo["incidents"] == 0:
        return "unbounded" if rpo.get("unbounded") else "-"
    cell = ms(rpo["p99"])
    return cell + " (%d unbounded)" % rpo["unbounded"] if rpo.get("unbounded") else cell


def fault_label(report):
    kind = report["scenario"]["faults"][0]["kind"]
    return {"disk_burnout": "disk burnout", "fire": "datacenter fire",
            "earthquake": "region earthquake"}.get(kind, kind)


def render_paths(paths):
    rows = []
    for p in paths:
        with open(p) as f:
            r = json.load(f)
        lost = r["loss"]["lost_writes"]
        lat = r["write_latency_s"]
        rows.append("| %s | %s | %s | %s | %.3g [%.3g, %.3g] | %s | %s | %s |" % (
            r["scenario"]["name"], fault_label(r), r["trials"], rpo_cell(r["rpo_s"]),
            lost["mean"], lost["ci95"][0], lost["ci95"][1], ms(lat["p50"]), ms(lat["p99"]),
            r["write_model"]))
    print("| scenario | fault | trials | RPO p99 | lost writes, mean [95% CI] | "
          "latency p50 | latency p99 | write model |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(row)


def main(run=run, render_paths=render_paths, doc=__doc__):
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    sub = ap.add_subparsers(dest="verb", required=True)
    r = sub.add_parser("run")
    r.add_argument("--durasim", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--trials", type=int)
    rd = sub.add_parser("render")
    rd.add_argument("reports", nargs="+")
    args = ap.parse_args()
    if args.verb == "run":
        run(args)
    else:
        render_paths(args.reports)


if __name__ == "__main__":
    sys.exit(main())
