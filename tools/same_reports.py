#!/usr/bin/python3
"""Proves a refactor changed no number: the reports of every shipped scenario and of a fixed set
of swarm scenarios, saved from one binary, compared with another's.

    tools/same_reports.py save  --durasim OLD_BINARY --out DIR [--swarm-count 500] [--swarm-seed R]
    tools/same_reports.py check --durasim NEW_BINARY --against DIR

`save` runs every scenarios/*.json as the file says (and again with --check, every invariant
checker on), and scenarios 0..N-1 of `tools/swarm.py`'s generator for the given seed with
--check (the swarm's own trial count); it keeps each report with the exit status and the last
line of stderr. `check` runs the same commands with the new binary and requires, per run, the
same exit status and the same report but for the `run` block (timings, threads, binary), or
the same error line. It prints `same_reports: N runs, D differ` and, per difference, the
command and the first JSON path that differs. Exit 0 when nothing differs, 1 otherwise, 2 on
bad arguments. Two processes run at a time (each single-threaded: threads do not change reports,
which tools/test.sh proves separately). Python standard library only.
"""

import argparse
import concurrent.futures
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import swarm  # noqa: E402  (the generator: scenario i of a seed is a pure function of both)

TIMEOUT_S = 600


def plan(workdir, swarm_count, swarm_seed):
    """[(name, scenario path, extra args)]: the runs, their scenario files written to workdir."""
    runs = []
    for path in sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.json"))):
        stem = os.path.splitext(os.path.basename(path))[0]
        runs.append((f"shipped-{stem}", path, []))
        runs.append((f"shipped-{stem}-check", path, ["--check"]))
    os.makedirs(os.path.join(workdir, "scenarios"), exist_ok=True)
    for i in range(swarm_count):
        scenario = swarm.generate(swarm_seed, i)
        trials = scenario.pop("_trials")
        path = os.path.join(workdir, "scenarios", f"swarm-{swarm_seed}-{i}.json")
        swarm.write_json(path, scenario)
        runs.append((f"swarm-{swarm_seed}-{i}", path, ["--trials", str(trials), "--check"]))
    return runs


def run_one(durasim, workdir, name, path, extra):
    out = os.path.join(workdir, name + ".report.json")
    if os.path.exists(out):
        os.remove(out)
    cmd = [durasim, "run", path, "-q", "--progress", "never", "--threads", "1", "--json", out]
    cmd += extra
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=TIMEOUT_S)
        rc, err = p.returncode, (p.stderr.strip().splitlines() or [""])[-1]
    except subprocess.TimeoutExpired:
        rc, err = "timeout", ""
    report = None
    if rc == 0:
        with open(out) as f:
            report = json.load(f)
        report.pop("run", None)
        os.remove(out)
    return name, {"cmd": " ".join(cmd[1:]), "rc": rc, "stderr": err if rc != 0 else "",
                  "report": report}


def run_all(durasim, workdir, runs):
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_one, durasim, workdir, *r) for r in runs]
        for f in concurrent.futures.as_completed(futures):
            name, result = f.result()
            results[name] = result
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("action", choices=["save", "check"])
    ap.add_argument("--durasim", required=True, help="the durasim binary")
    ap.add_argument("--out", help="save: the folder to keep the reports in")
    ap.add_argument("--against", help="check: the folder `save` wrote")
    ap.add_argument("--swarm-count", type=int, default=500)
    ap.add_argument("--swarm-seed", default="refactor")
    args = ap.parse_args()
    durasim = os.path.abspath(args.durasim)
    if args.action == "save":
        if not args.out:
            ap.error("save needs --out DIR")
        os.makedirs(args.out, exist_ok=True)
        runs = plan(args.out, args.swarm_count, args.swarm_seed)
        results = run_all(durasim, args.out, runs)
        meta = {"swarm_count": args.swarm_count, "swarm_seed": args.swarm_seed,
                "durasim": durasim}
        swarm.write_json(os.path.join(args.out, "reports.json"),
                         {"meta": meta, "runs": results})
        failed = sum(1 for r in results.values() if r["rc"] != 0)
        print(f"same_reports: saved {len(results)} runs to {args.out} ({failed} exited non-zero)")
        return 0
    if not args.against:
        ap.error("check needs --against DIR")
    with open(os.path.join(args.against, "reports.json")) as f:
        saved = json.load(f)
    meta = saved["meta"]
    runs = plan(args.against, meta["swarm_count"], meta["swarm_seed"])
    results = run_all(durasim, args.against, runs)
    differ = 0
    for name, _, _ in runs:
        old, new = saved["runs"].get(name), results[name]
        if old is None:
            print(f"{name}: not in the saved set")
            differ += 1
            continue
        what = None
        if old["rc"] != new["rc"]:
            what = f"exit {old['rc']} -> {new['rc']} ({new['stderr']})"
        elif old["rc"] != 0 and old["stderr"] != new["stderr"]:
            what = f"error line '{old['stderr']}' -> '{new['stderr']}'"
        elif old["report"] is not None:
            path = swarm.first_difference(old["report"], new["report"])
            if path:
                what = f"report differs at {path}"
        if what:
            differ += 1
            print(f"{name}: {what}\n  durasim {new['cmd']}")
    print(f"same_reports: {len(runs)} runs, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
