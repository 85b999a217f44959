#!/usr/bin/python3
"""Figures from durasim reports, sweeps and traces (PNG or SVG, by the output's extension).

Run with the system python (matplotlib from Debian's python3-matplotlib):

  /usr/bin/python3 tools/plot.py nines SWEEP.json -o nines.svg
  /usr/bin/python3 tools/plot.py records SWEEP.json -o records.png -o records.svg
  /usr/bin/python3 tools/plot.py causes REPORT.json -o causes.png
  /usr/bin/python3 tools/plot.py rpo-cdf SYNC.json ASYNC.json QUORUM.json -o rpo.svg
  /usr/bin/python3 tools/plot.py latency-cdf SYNC.json ASYNC.json -o latency.svg
  /usr/bin/python3 tools/plot.py magnitude FLEET.json -o magnitude.svg
  /usr/bin/python3 tools/plot.py timeline TRACE.jsonl --trial 3 -o timeline.svg

Figures:
  nines        durability nines of data loss per year (95% interval) against the swept parameter
               (a sweep's JSON or CSV, `durasim sweep --json` or `--csv`; a CSV's title names the
               file, which holds no scenario name); a second varied parameter draws one line
               per value. Points with no loss show the lower bound the interval gives.
  records      records lost per trial (mean, 95% interval) against the swept parameter.
  causes       incidents with loss and bytes lost, by cause (one report, `durasim run --json`).
  rpo-cdf      the RPO's distribution, one line per report (each named by its scenario).
  latency-cdf  the write latency's distribution, one line per report.
  magnitude    frequency against magnitude of loss events (partitions lost per event, fleets).
  timeline     one trial's events over time, from a trace (`durasim run --trace`).

Every figure has labelled axes with units and a title naming the scenario; error bars wherever
the report gives an interval. Exit 2 on bad usage or input, naming what is wrong.
"""
import argparse
import csv
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in SVG: searchable, checkable
matplotlib.rcParams["svg.hashsalt"] = "durasim"  # the same SVG for the same figure
import matplotlib.pyplot as plt  # noqa: E402


class InputError(Exception):
    pass


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read {path}: {e}")


def sweep_from_csv(path):
    """A sweep's CSV (`durasim sweep --csv`) as its JSON's points, with the figures the sweep
    figures read: the varied columns come first, then `trials` and `p_loss`."""
    try:
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        raise InputError(f"cannot read {path}: {e}")
    if not rows or "p_loss" not in rows[0] or rows[0].index("p_loss") < 2:
        raise InputError(f"{path} is not a sweep's CSV (durasim sweep --csv)")
    header = rows[0]
    first = header.index("p_loss") - 1  # the trials column, after the varied ones
    axes = header[:first]
    col = {name: i for i, name in reversed(list(enumerate(header))) if i >= first}

    def num(row, name):
        i = col.get(name)
        return float(row[i]) if i is not None and i < len(row) and row[i] != "" else None

    def figure(row, name):
        est = num(row, name)
        if est is None:
            return None
        return {"estimate": est, "ci95": [num(row, name + "_ci95_low"),
                                          num(row, name + "_ci95_high")]}

    name = os.path.splitext(os.path.basename(path))[0]
    points = []
    for row in rows[1:]:
        if not row:
            continue
        report = {"scenario": {"name": name},
                  "loss": {"data_loss": {"probability": figure(row, "p_data_loss"),
                                         "annual_probability": figure(row, "annual_p_data_loss")},
                           "lost_records": {"mean": num(row, "lost_records_mean"),
                                            "ci95": [num(row, "lost_records_mean_ci95_low"),
                                                     num(row, "lost_records_mean_ci95_high")]}}}
        points.append({"values": {a: row[i] for i, a in enumerate(axes)}, "report": report})
    return {"points": points, "sweep": {"axes": [{"path": a} for a in axes]}}, axes, name


def sweep_points(path):
    if path.endswith(".csv"):
        return sweep_from_csv(path)
    doc = load_json(path)
    if "points" not in doc or "sweep" not in doc:
        raise InputError(f"{path} is not a sweep (durasim sweep --json)")
    axes = [a["path"] for a in doc["sweep"]["axes"]]
    name = doc["points"][0]["report"]["scenario"]["name"] if doc["points"] else path
    return doc, axes, name


def series(doc, axes):
    """Points grouped by the second axis (one line each), in the order they come."""
    lines = {}
    for p in doc["points"]:
        key = p["values"][axes[1]] if len(axes) > 1 else None
        lines.setdefault(key, []).append(p)
    return lines


def category_axis(ax, labels):
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels)


def nines(args):
    doc, axes, name = sweep_points(args.inputs[0])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    xlabels = list(dict.fromkeys(p["values"][axes[0]] for p in doc["points"]))
    # Per year when the reports annualise (stochastic failures), else per trial (injected faults).
    per_year = all(p["report"]["loss"]["data_loss"].get("annual_probability")
                   for p in doc["points"])
    for key, points in series(doc, axes).items():
        xs, ys, lo, hi, bx, by = [], [], [], [], [], []
        for p in points:
            x = xlabels.index(p["values"][axes[0]])
            data = p["report"]["loss"]["data_loss"]
            figure_ = data["annual_probability"] if per_year else data["probability"]
            est, (low, high) = figure_["estimate"], figure_["ci95"]
            if est and est > 0:
                y = -math.log10(est)
                xs.append(x)
                ys.append(y)
                lo.append(y - (-math.log10(high) if high and high > 0 else y))
                hi.append((-math.log10(low) if low and low > 0 else y) - y)
            elif high and 0 < high < 1:
                bx.append(x)  # no loss seen: the interval's upper end bounds the nines below
                by.append(-math.log10(high))
        label = f"{axes[1]} = {key}" if key is not None else "estimate"
        line = ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=4, label=label)
        if bx:
            ax.scatter(bx, by, marker="^", color=line[0].get_color(),
                       label=f"no loss seen: lower bound ({label})")
    category_axis(ax, xlabels)
    ax.set_xlabel(axes[0])
    ax.set_ylabel("durability (nines of P(data loss) per " + ("year)" if per_year else "trial)"))
    ax.set_title(f"{name}: durability against {axes[0]}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return fig


def records(args):
    doc, axes, name = sweep_points(args.inputs[0])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    xlabels = list(dict.fromkeys(p["values"][axes[0]] for p in doc["points"]))
    for key, points in series(doc, axes).items():
        xs, ys, lo, hi = [], [], [], []
        for p in points:
            lost = p["report"]["loss"]["lost_records"]
            xs.append(xlabels.index(p["values"][axes[0]]))
            ys.append(lost["mean"])
            lo.append(lost["mean"] - lost["ci95"][0])
            hi.append(lost["ci95"][1] - lost["mean"])
        label = f"{axes[1]} = {key}" if key is not None else "mean, 95% interval"
        ax.errorbar(xs, ys, yerr=[lo, hi], marker="o", capsize=4, label=label)
    category_axis(ax, xlabels)
    ax.set_xlabel(axes[0])
    ax.set_ylabel("records lost per trial (records)")
    ax.set_title(f"{name}: records lost against {axes[0]}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return fig


def causes(args):
    r = load_json(args.inputs[0])
    by = r["loss"]["by_cause"]
    names = list(by)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    left.bar(names, [by[c]["loss_incidents"] for c in names])
    left.set_xlabel("cause")
    left.set_ylabel("incidents with loss (count, all trials)")
    right.bar(names, [by[c]["lost_bytes"] for c in names], color="tab:red")
    right.set_xlabel("cause")
    right.set_ylabel("bytes lost (bytes, all trials)")
    for ax in (left, right):
        ax.tick_params(axis="x", rotation=30)
        ax.grid(alpha=0.3, axis="y")
    fig.suptitle(f"{r['scenario']['name']}: loss by cause ({r['trials']} trials)")
    fig.tight_layout()
    return fig


def cdf_of(summary, what, path):
    if not summary or "cdf" not in summary or not summary["cdf"]:
        raise InputError(f"{path}: no {what} distribution (no incident, or an older report)")
    values = [v for v, _ in summary["cdf"]]
    fractions = [q for _, q in summary["cdf"]]
    return values, fractions


def cdf_figure(args, key, what, xlabel):
    fig, ax = plt.subplots(figsize=(7, 4.5))
    names = []
    for path in args.inputs:
        r = load_json(path)
        values, fractions = cdf_of(r.get(key), what, path)
        name = r["scenario"]["name"]
        names.append(name)
        ax.step(values, fractions, where="post", label=name)
    ax.set_xscale("symlog", linthresh=1e-6)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("fraction of incidents at or below" if key == "rpo_s"
                  else "fraction of writes at or below")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"{what} distribution: {', '.join(names)}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return fig


def rpo_cdf(args):
    return cdf_figure(args, "rpo_s", "RPO", "RPO (seconds, symmetric log scale)")


def latency_cdf(args):
    return cdf_figure(args, "write_latency_s", "write latency",
                      "write latency (seconds, symmetric log scale)")


def magnitude(args):
    r = load_json(args.inputs[0])
    if r.get("importance"):
        raise InputError(f"{args.inputs[0]}: an importance-sampled report: its loss events are of "
                         "biased trials, not a frequency (run with the plain estimator)")
    fleet = r.get("fleet") or {}
    events = fleet.get("partitions_per_loss_event")
    if not events or not events.get("cdf"):
        raise InputError(f"{args.inputs[0]}: no loss events with a magnitude (a fleet report "
                         "with loss events is needed)")
    # Events of at least each size, per trial: the rate of events times the share at or above
    # it (1 minus the fraction below, the previous point's).
    rate = events["events"] / r["trials"]
    sizes, at_least, below = [], [], 0.0
    for value, q in events["cdf"]:
        if sizes and value == sizes[-1]:
            below = q
            continue
        sizes.append(value)
        at_least.append(rate * (1.0 - below))
        below = q
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.step(sizes, at_least, where="post", marker="o")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("partitions lost by a loss event (partitions)")
    ax.set_ylabel("loss events at least this large, per trial (events)")
    ax.set_title(f"{r['scenario']['name']}: frequency against magnitude of loss events")
    ax.grid(alpha=0.3)
    return fig


def timeline(args):
    events = []
    try:
        with open(args.inputs[0]) as f:
            for line in f:
                rec = json.loads(line)
                if rec.get("trial") == args.trial:
                    events.append(rec)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read {args.inputs[0]}: {e}")
    if not events:
        raise InputError(f"{args.inputs[0]}: no event of trial {args.trial}")
    kinds = list(dict.fromkeys(e["event"] for e in events))
    day = 86400.0
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(kinds) + 2))
    for i, kind in enumerate(kinds):
        xs = [e["t_s"] / day for e in events if e["event"] == kind]
        ax.scatter(xs, [i] * len(xs), marker="|", s=200)
    ax.set_yticks(range(len(kinds)))
    ax.set_yticklabels(kinds)
    ax.set_xlabel("time (days)")
    ax.set_ylabel("event")
    ax.set_title(f"{args.scenario or 'trace'}: trial {args.trial} timeline")
    ax.grid(alpha=0.3, axis="x")
    fig.tight_layout()
    return fig


FIGURES = {
    "nines": nines,
    "records": records,
    "causes": causes,
    "rpo-cdf": rpo_cdf,
    "latency-cdf": latency_cdf,
    "magnitude": magnitude,
    "timeline": timeline,
}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("figure", choices=sorted(FIGURES))
    p.add_argument("inputs", nargs="+", help="reports, a sweep or a trace")
    p.add_argument("-o", "--output", action="append", required=True,
                   help="FILE.png or FILE.svg (repeat for both)")
    p.add_argument("--trial", type=int, default=0, help="timeline: the trial to draw")
    p.add_argument("--scenario", help="timeline: the scenario's name for the title")
    args = p.parse_args(argv)
    for out in args.output:
        if not out.endswith((".png", ".svg")):
            print(f"plot.py: {out}: the output must end in .png or .svg", file=sys.stderr)
            return 2
        folder = os.path.dirname(out) or "."
        if not os.path.isdir(folder):
            print(f"plot.py: {out}: no folder {folder}", file=sys.stderr)
            return 2
    if args.figure not in ("rpo-cdf", "latency-cdf") and len(args.inputs) > 1:
        print(f"plot.py: {args.figure} draws one input, {len(args.inputs)} given "
              "(only rpo-cdf and latency-cdf draw several)", file=sys.stderr)
        return 2
    try:
        fig = FIGURES[args.figure](args)
    except InputError as e:
        print(f"plot.py: {e}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as e:
        names = ", ".join(args.inputs)
        print(f"plot.py: {names}: not the input {args.figure} reads ({e!r})", file=sys.stderr)
        return 2
    for out in args.output:
        try:
            fig.savefig(out, dpi=120, bbox_inches="tight")
        except OSError as e:
            print(f"plot.py: {out}: cannot write it ({e.strerror})", file=sys.stderr)
            return 4
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
