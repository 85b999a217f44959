#!/usr/bin/python3
"""Draws every figure of tools/plot.py from the samples in tests/plots/samples/ and checks that
each PNG is a PNG (signature, a non-empty image chunk), each SVG an XML document whose text names
the figure's title and axes (plot.py keeps text as text), and that bad input exits 2.

Usage: /usr/bin/python3 tests/plots/check_plots.py   (from the source folder)
The samples are regenerated with tests/plots/make_samples.sh (their numbers do not matter here).
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLOT = os.path.join(ROOT, "tools", "plot.py")
S = os.path.join(HERE, "samples")

# figure, inputs, extra arguments, texts the SVG must hold (title and axis labels)
CASES = [
    ("nines", ["sweep-nines.json"], [],
     ["markov-3way: durability against storage/replace_after", "storage/replace_after",
      "durability (nines of P(data loss) per year)", "no loss seen: lower bound"]),
    ("nines", ["sweep-nines.csv"], [],
     ["sweep-nines: durability against storage/replace_after", "storage/replace_after",
      "durability (nines of P(data loss) per year)", "no loss seen: lower bound"]),
    ("records", ["sweep-records.csv"], [],
     ["sweep-records: records lost against backups/0/every", "backups/0/every",
      "records lost per trial (records)"]),
    ("records", ["sweep-records.json"], [],
     ["bad-delete-nightly-full: records lost against backups/0/every", "backups/0/every",
      "records lost per trial (records)"]),
    ("causes", ["causes.json"], [],
     ["loss by cause", "incidents with loss (count, all trials)", "bytes lost (bytes, all trials)",
      "cause"]),
    ("rpo-cdf", ["payments-sync.json", "feed-async.json", "quorum-3-regions.json"], [],
     ["RPO distribution: payments-sync, feed-async, quorum-3-regions",
      "RPO (seconds, symmetric log scale)", "fraction of incidents at or below"]),
    ("latency-cdf", ["payments-sync.json", "feed-async.json"], [],
     ["write latency distribution: payments-sync, feed-async",
      "write latency (seconds, symmetric log scale)", "fraction of writes at or below"]),
    ("magnitude", ["fleet.json"], [],
     ["fleet-3way-random: frequency against magnitude of loss events",
      "partitions lost by a loss event (partitions)",
      "loss events at least this large, per trial (events)"]),
    ("timeline", ["trace.jsonl"], ["--trial", "3", "--scenario", "wal-single-disk"],
     ["wal-single-disk: trial 3 timeline", "time (days)", "event", "disk_burnout"]),
]


def svg_text(path):
    root = ET.parse(path).getroot()
    if not root.tag.endswith("svg"):
        raise AssertionError(f"{path}: the root is {root.tag}, not svg")
    return " ".join(t for t in root.itertext())


def main():
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for figure, inputs, extra, texts in CASES:
            png = os.path.join(tmp, figure + ".png")
            svg = os.path.join(tmp, figure + ".svg")
            cmd = [sys.executable, PLOT, figure] + [os.path.join(S, i) for i in inputs] + extra
            done = subprocess.run(cmd + ["-o", png, "-o", svg], capture_output=True, text=True)
            try:
                if done.returncode != 0:
                    raise AssertionError(f"exit {done.returncode}: {done.stderr.strip()}")
                with open(png, "rb") as f:
                    data = f.read()
                if not data.startswith(b"\x89PNG\r\n\x1a\n") or b"IDAT" not in data:
                    raise AssertionError(f"{png} is not a PNG")
                text = svg_text(svg)
                for t in texts:
                    if t not in text:
                        raise AssertionError(f"the SVG does not name '{t}'")
                print(f"ok {figure}")
            except AssertionError as e:
                failures += 1
                print(f"FAIL {figure}: {e}")
        # Bad input: a report where a sweep is needed, an output of another kind.
        for cmd, why in [
            (["nines", os.path.join(S, "causes.json"), "-o", os.path.join(tmp, "x.png")],
             "not a sweep"),
            (["causes", os.path.join(S, "causes.json"), "-o", os.path.join(tmp, "x.pdf")],
             "must end in .png or .svg"),
            (["timeline", os.path.join(S, "trace.jsonl"), "--trial", "99", "-o",
              os.path.join(tmp, "x.png")], "no event of trial 99"),
        ]:
            done = subprocess.run([sys.executable, PLOT] + cmd, capture_output=True, text=True)
            if done.returncode != 2 or why not in done.stderr:
                failures += 1
                print(f"FAIL bad input {cmd[0]}: exit {done.returncode}, {done.stderr.strip()}")
            else:
                print(f"ok bad input {cmd[0]} ({why})")
    print(f"{len(CASES) + 3 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
