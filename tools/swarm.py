#!/usr/bin/python3
"""Randomized checker of durasim: generate valid scenarios, run them, judge the reports.

    tools/swarm.py --durasim build/dev/durasim --count 200 --seed 1 [--keep DIR] [--only I]

Scenario i of a run is generated from random.Random(f"{seed}:{i}"), so `--seed S --only I`
regenerates exactly the scenario a failure was found in. Together the scenarios cover every
feature of the format: 1 to 4 regions of datacenters, nodes and disks; every failure mode
(disk burnout, node crash and loss, datacenter fire, flood and power outage, region earthquake
and outage, bad deletes) with every distribution and extreme but valid parameters (Weibull
shapes far from 1, wide lognormals, degenerate uniforms, afr near 0% and 100%, means that
saturate simulated time; in one scenario of five, copies, repairs, outages or detections that
outlast the horizon, or retentions of a nanosecond); primaries and replicas at datacenters,
nodes and disks; sync, async, quorum and delayed replicas; both `on_sync_unreachable` modes;
full, incremental and WAL backups; every kind of injected fault, at t = 0, at the horizon and
several at one instant.

The generator stays inside durasim's input limits (fit_limits: a draw on a write's path of at
most a day, writes in flight, the windowed model's window and writes_per_trial): where a draw
would break one, the offending distribution is scaled down with its shape kept, a replica's
bandwidth raised, or writes_per_trial raised, so that extreme parameters run at the edge of what
durasim accepts instead of being refused. Each scenario must pass `durasim validate` (a refusal
is a generator bug, counted apart as "invalid" and failing the run; a crash of validate is a
failure). It then runs with `durasim run --check` (every invariant checker on: a violation exits
70 naming it) and its report is judged:

- every number is finite, and null only where the report documents it (nines and MTTDL
  without an observed loss);
- each probability's estimate and 95% interval lie in [0, 1], the interval around the estimate;
  each mean with a `ci95` lies inside it; percentiles are ordered up to the maximum;
- lost writes never exceed acknowledged writes, acknowledged never exceed issued, degraded
  losses never exceed degraded acknowledgements, and the per-cause counts fit their totals
  (lost writes and bytes by cause add up to the totals; a trial that lost a partition has an
  incident by cause that did; a cause charged with a loss has an incident that lost something);
- the report at 1 thread equals the report at 2 threads (the `run` block aside);
- metamorphic: adding a failure mode whose every event falls after the horizon (`fixed(250y)`
  when the horizon is shorter, and `exponential(mean=1e30y)`, whose draws saturate) leaves the
  report unchanged (aside from `run`, the echoed `scenario` and the `analytic` model, which
  legitimately describes the added mode).

Before anything runs, the checks are tried on a report with planted bugs (each must trip its
check), so that a check that can no longer fail is noticed. Every durasim call has a timeout
(a run past it is a failure). The tool prints `swarm: N scenarios, F failures` and, per failure,
the check, the command that reproduces it and the scenario file (every file is kept in
--keep DIR; without it, those of failures stay in a temporary folder).
Exit status: 0 when nothing failed and durasim accepted every scenario, 1 otherwise. Python
standard library only.
"""

import argparse
import glob
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TIMEOUT_S = 20
YEAR_S = 365.25 * 86400
DURATION_UNITS = [("ns", 1e-9), ("us", 1e-6), ("ms", 1e-3), ("s", 1.0), ("m", 60.0),
                  ("min", 60.0), ("h", 3600.0), ("d", 86400.0), ("w", 7 * 86400.0),
                  ("y", YEAR_S)]
SIZE_UNITS = [("B", 1), ("kB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
              ("KiB", 1024.0), ("MiB", 1024.0 ** 2), ("GiB", 1024.0 ** 3), ("TiB", 1024.0 ** 4)]

# failure kind -> (level in `failures`, mode key, effect)
MODES = {
    "disk_burnout": ("disk", "burnout", "destroy"),
    "node_crash": ("node", "crash", "outage"),
    "node_loss": ("node", "loss", "destroy"),
    "fire": ("datacenter", "fire", "destroy"),
    "flood": ("datacenter", "flood", "destroy"),
    "power_outage": ("datacenter", "power_outage", "outage"),
    "earthquake": ("region", "earthquake", "destroy"),
    "region_outage": ("region", "outage", "outage"),
    "bad_delete": ("logical", "bad_delete", "logical"),
}
FAULT_LEVEL = {"disk_burnout": "disk", "node_crash": "node", "node_loss": "node",
               "power_outage": "datacenter", "fire": "datacenter", "flood": "datacenter",
               "earthquake": "region", "region_outage": "region", "bad_delete": None}


# ---------------------------------------------------------------------------------------------
# Formatting quantities

def number(v):
    """A plain decimal without exponent or sign, as durasim's unit parser reads it."""
    return f"{v:.9f}".rstrip("0").rstrip(".") or "0"


def quantity(rng, value, units):
    """`value` written in a unit drawn among those that keep the number readable."""
    fitting = [(u, f) for u, f in units if 1e-3 <= value / f < 1e6]
    if value == 0:
        return "0" + rng.choice(units)[0]
    unit, factor = rng.choice(fitting) if fitting else min(units, key=lambda uf: abs(
        math.log10(max(value / uf[1], 1e-300))))
    return number(value / factor) + unit


def dur(rng, seconds):
    return quantity(rng, seconds, DURATION_UNITS)


def size(rng, nbytes):
    return quantity(rng, nbytes, SIZE_UNITS)


def log_uniform(rng, low, high):
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def duration_dist(rng, mean_s, ttf=False):
    """A duration distribution of roughly the given mean, in a randomly chosen form. For a time
    to failure (`ttf`), `mean_s` is the median of the heavy-tailed forms instead, so that their
    many short draws do not multiply the failures (lognormal sigma 4 has a mean 3000 times its
    median); `afr` is allowed."""
    forms = ["bare", "fixed", "exponential", "weibull_scale", "weibull_mean", "lognormal",
             "uniform"] + (["afr"] if ttf else [])
    form = rng.choice(forms)
    if form == "bare":
        return dur(rng, mean_s)
    if form == "fixed":
        return f"fixed({dur(rng, mean_s)})"
    if form == "exponential":
        return f"exponential(mean={dur(rng, mean_s)})"
    if form in ("weibull_scale", "weibull_mean"):
        shape = rng.choice([0.1, 0.3, 0.5, 0.8, 1, 1.12, 2, 5, 20, 60])
        scale = mean_s / math.log(2) ** (1 / shape) if ttf else mean_s / math.gamma(1 + 1 / shape)
        if form == "weibull_mean":
            mean = scale * math.gamma(1 + 1 / shape)
            return f"weibull(shape={number(shape)}, mean={dur(rng, mean)})"
        return f"weibull( scale = {dur(rng, scale)} , shape = {number(shape)} )"
    if form == "lognormal":
        sigma = rng.choice([0, 0.05, 0.5, 1, 2, 4])
        median = mean_s if ttf else mean_s / math.exp(sigma * sigma / 2)
        return f"lognormal(median={dur(rng, median)}, sigma={number(sigma)})"
    if form == "uniform":
        # Both ends in one unit, the low end rounded down, so that A <= B survives formatting.
        low = rng.choice([0.0, mean_s, mean_s * rng.random()])
        high = dur(rng, 2 * mean_s - low)
        unit = high.lstrip("0123456789.")
        factor = dict(DURATION_UNITS)[unit]
        low_text = number(math.floor(low / factor * 1e9) / 1e9)
        return f"uniform({low_text}{unit}, {high})"
    # afr: the yearly failure probability of an exponential of that mean, kept inside (0, 1).
    p = -math.expm1(-YEAR_S / mean_s) * 100
    if not 1e-6 <= p <= 99.99:
        return f"exponential(mean={dur(rng, mean_s)})"
    return f"afr({number(p)}%)"


def size_dist(rng, mean_b):
    form = rng.choice(["bare", "fixed", "exponential", "lognormal", "uniform", "weibull"])
    if form == "bare":
        return size(rng, mean_b)
    if form == "fixed":
        return f"fixed({size(rng, mean_b)})"
    if form == "exponential":
        return f"exponential(mean={size(rng, mean_b)})"
    if form == "weibull":
        return f"weibull(shape=2, mean={size(rng, mean_b)})"
    if form == "lognormal":
        return f"lognormal(median={size(rng, mean_b)}, sigma=0.7)"
    return f"uniform(1B, {size(rng, 2 * mean_b)})"


# ---------------------------------------------------------------------------------------------
# The generator

class Topo:
    """Names of the generated failure domains, by level, and which disks lie under each."""

    def __init__(self, regions):
        self.regions = [r["name"] for r in regions]
        self.dcs, self.nodes, self.disks = [], [], []
        self.under = {}  # domain name -> list of disk names beneath it (itself for a disk)
        for r in regions:
            self.under[r["name"]] = []
            for dc in r["datacenters"]:
                self.dcs.append(dc["name"])
                self.under[dc["name"]] = []
                for n in range(dc["nodes"]):
                    node = f"{dc['name']}/n{n}"
                    self.nodes.append(node)
                    self.under[node] = []
                    for d in range(dc.get("disks_per_node", 1)):
                        disk = f"{node}/d{d}"
                        self.disks.append(disk)
                        self.under[disk] = [disk]
                        for owner in (node, dc["name"], r["name"]):
                            self.under[owner].append(disk)

    def level(self, level):
        return {"disk": self.disks, "node": self.nodes, "datacenter": self.dcs,
                "region": self.regions}[level]

    def related(self, a, b):
        """Whether one domain contains the other (they share a disk)."""
        return bool(set(self.under[a]) & set(self.under[b]))


def gen_topology(rng):
    regions = []
    for r in range(rng.randint(1, 4)):
        dcs = []
        for d in range(rng.choice([1, 1, 2, 3])):
            dc = {"name": f"r{r}-dc{d}", "nodes": rng.choice([1, 2, 3, 4])}
            if rng.random() < 0.6:
                dc["disks_per_node"] = rng.choice([1, 2, 3])
            dcs.append(dc)
        regions.append({"name": f"region-{r}", "datacenters": dcs})
    latency = {}
    for key, base in (("same_datacenter", 1e-4), ("same_region", 1e-3), ("cross_region", 0.035)):
        if rng.random() < 0.5:
            mean = base * log_uniform(rng, 0.01, 10)
            latency[key] = rng.choice([dur(rng, mean), f"lognormal(median={dur(rng, mean)}, "
                                       f"sigma={number(rng.choice([0, 0.05, 0.2]))})"])
    topo = {"regions": regions}
    places = [r["name"] for r in regions] + [dc["name"] for r in regions for dc in r["datacenters"]]
    if len(places) >= 2 and rng.random() < 0.4:
        links = []
        for _ in range(rng.randint(1, 3)):
            a, b = rng.sample(places, 2)
            one_way = duration_dist(rng, log_uniform(rng, 1e-4, 0.2))
            links.append({"between": [a, b], "one_way": one_way})
        latency["links"] = links
    if latency:
        topo["latency"] = latency
    return topo


def gen_horizon(rng):
    seconds = rng.choice([3600, 86400, 30 * 86400, YEAR_S, 10 * YEAR_S, 100 * YEAR_S, 290 * YEAR_S,
                          log_uniform(rng, 1, 290 * YEAR_S)])
    return seconds, dur(rng, seconds) if seconds != 290 * YEAR_S else "290y"


def gen_failures(rng, topo, horizon_s):
    """Failure modes at every level, each expected to strike at most ~60 times a trial."""
    failures = {}
    for kind, (level, key, effect) in MODES.items():
        if rng.random() >= 0.35:
            continue
        domains = 1 if level == "logical" else len(topo.level(level))
        lowest = domains * horizon_s / 60
        mean = max(lowest, horizon_s * 10 ** rng.uniform(-1.5, 3))
        mode = {"ttf": duration_dist(rng, mean, ttf=True)}
        if rng.random() < 0.05:
            mode["ttf"] = rng.choice(["exponential(mean=1e30y)", "fixed(290y)", "afr(0.000001%)"])
        if effect == "outage":
            mode["duration"] = duration_dist(rng, horizon_s * 10 ** rng.uniform(-7, -1.5))
        elif effect == "destroy" and rng.random() < 0.3:
            mode["replace_after"] = duration_dist(rng, log_uniform(rng, 60, 60 * 86400))
        elif effect == "logical":
            mode["fraction"] = rng.choice([1e-9, 0.001, 0.1, 0.5, 1])
            if rng.random() < 0.7:
                mode["detected_after"] = duration_dist(rng, log_uniform(rng, 1, 7 * 86400))
        failures.setdefault(level, {})[key] = mode
    return failures


def gen_replication(rng, topo, load_Bps):
    """Copies at datacenters, nodes and disks that durasim's placement can always place."""
    def site():
        return rng.choice([rng.choice(topo.dcs)] * 6 + [rng.choice(topo.nodes)] * 3 +
                          [rng.choice(topo.disks)] * 2)

    for _ in range(100):
        sites = [site() for _ in range(1 + rng.choice([0, 1, 1, 2, 2, 3, 4]))]
        # Sufficient for the greedy placement: each copy has more candidate disks than the
        # earlier copies that may have taken one of them.
        if all(len(topo.under[s]) > sum(1 for e in sites[:i] if topo.related(e, s))
               for i, s in enumerate(sites)):
            break
    else:
        sites = [rng.choice(topo.disks)]
    replicas = []
    for at in sites[1:]:
        rep = {"at": at, "mode": rng.choice(["sync", "async"])}
        if rep["mode"] == "async" and rng.random() < 0.35:
            rep["delay"] = dur(rng, log_uniform(rng, 1, 86400))
        if rng.random() < 0.4:
            bw = max(load_Bps, 1.0) * log_uniform(rng, 1.3, 1000)
            rep["bandwidth"] = size(rng, bw) + "/s"
        replicas.append(rep)
    rep = {"primary": sites[0], "replicas": replicas}
    syncs = sum(1 for r in replicas if r["mode"] == "sync")
    if rng.random() < 0.3:
        rep["ack"] = {"quorum": rng.randint(1, 1 + syncs)}
    else:
        if rng.random() < 0.5:
            rep["ack"] = "all_sync"
        choice = rng.random()
        if choice < 0.35:
            rep["on_sync_unreachable"] = "block"
        elif choice < 0.75:
            rep["on_sync_unreachable"] = {"degrade_after": dur(rng, rng.choice(
                [0.0, 0.001, 10.0, log_uniform(rng, 1e-3, 86400)]))}
    if rng.random() < 0.6:
        rep["failover"] = dur(rng, rng.choice([0.0, 30.0, log_uniform(rng, 1e-3, 86400)]))
    return rep


def gen_backups(rng, topo, horizon_s):
    if rng.random() < 0.45:
        return None
    backups = []
    targets = topo.regions + topo.dcs + topo.nodes
    kinds = ["full"] * rng.choice([1, 1, 2])
    kinds += [k for k in ("incremental", "wal_archive") if rng.random() < 0.5]
    for kind in kinds:
        every = max(1.0, horizon_s * 10 ** rng.uniform(-4, 0.3))
        if kind == "wal_archive":
            every = max(1.0, every / 100)
        b = {"kind": kind, "every": dur(rng, every), "to": rng.choice(targets)}
        if rng.random() < 0.4:
            b["retention"] = dur(rng, every * log_uniform(rng, 0.5, 50))
        if rng.random() < 0.4:
            b["bandwidth"] = size(rng, log_uniform(rng, 1e6, 1e10)) + "/s"
        backups.append(b)
    rng.shuffle(backups)
    return backups


def gen_faults(rng, topo, horizon_s, horizon_text, copy_sites, partitions):
    faults = []
    previous = None
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4])):
        when = rng.choice(["zero", "horizon", "random", "random", "same"])
        if when == "same" and previous is not None:
            at = previous
        elif when == "zero":
            at = rng.choice(["0s", "0h", "0y"])
        elif when == "horizon":
            at = horizon_text
        else:
            at = dur(rng, horizon_s * rng.random())
        previous = at
        kind = rng.choice(list(FAULT_LEVEL))
        fault = {"at": at, "kind": kind}
        level = FAULT_LEVEL[kind]
        if level is None:
            fault["fraction"] = rng.choice([1e-6, 0.01, 0.3, 1])
            if rng.random() < 0.5:
                fault["detected_after"] = duration_dist(rng, log_uniform(rng, 1, 86400))
            if partitions > 1 and rng.random() < 0.5:
                fault["target"] = rng.sample(range(partitions), rng.randint(1, partitions))
        else:
            candidates = topo.level(level)
            if MODES[kind][2] == "destroy" and at in ("0s", "0h", "0y"):
                # durasim refuses a copy placed in a domain destroyed at time 0.
                candidates = [c for c in candidates
                              if not any(topo.related(c, s) for s in copy_sites)]
                if not candidates:
                    continue
            fault["target"] = rng.choice(candidates)
            if MODES[kind][2] == "outage":
                fault["duration"] = duration_dist(rng, horizon_s * 10 ** rng.uniform(-6, 0))
            elif rng.random() < 0.3:
                fault["replace_after"] = duration_dist(rng, log_uniform(rng, 1, 30 * 86400))
        faults.append(fault)
    return faults


def generate(seed, index):
    """Scenario `index` of the swarm seeded `seed`: a pure function of both."""
    rng = random.Random(f"{seed}:{index}")
    horizon_s, horizon_text = gen_horizon(rng)
    topology = gen_topology(rng)
    topo = Topo(topology["regions"])
    # (4097 partitions, where writes stop being simulated, would cost seconds per run.)
    partitions = rng.choice([1, 1, 1, 2, 3, 4, 8, 16])
    write_rate = rng.choice([0, 0.01, 1, 50, 1000, 5000])
    write_size_b = rng.choice([64, 2048, 4096, 65536])
    data = {"size": size(rng, log_uniform(rng, 1e6, 1e13)), "partitions": partitions,
            "write_rate": f"{number(write_rate)}/{rng.choice(['s'])}",
            "write_size": size_dist(rng, write_size_b)}
    load_Bps = write_rate / partitions * write_size_b * 3  # generous: size dists have tails
    replication = gen_replication(rng, topo, load_Bps)
    copy_sites = [replication["primary"]] + [r["at"] for r in replication["replicas"]]
    # Room on every disk for every copy that could land on it.
    capacity = max(parse_size_guess(data["size"]) * len(copy_sites) * 1.01, 1e9)
    for region in topology["regions"]:
        for dc in region["datacenters"]:
            if rng.random() < 0.5:
                dc["disk_capacity"] = f"{int(capacity)}B"
            else:
                dc["disk_capacity"] = f"{number(math.ceil(capacity / 1e12 * 1000) / 1000)}TB"
    scenario = {"schema_version": 1, "name": f"swarm-{seed}-{index}",
                "description": f"tools/swarm.py --seed {seed} --only {index}",
                "seed": rng.randint(0, 2 ** 32), "trials": 4, "horizon": horizon_text,
                "topology": topology}
    if rng.random() < 0.2:
        scenario["estimator"] = "monte_carlo"
    failures = gen_failures(rng, topo, horizon_s)
    if failures:
        scenario["failures"] = failures
    storage = {}
    if rng.random() < 0.5:
        storage["fsync"] = duration_dist(rng, log_uniform(rng, 1e-6, 1e-2))
    if rng.random() < 0.5:
        storage["rebuild_bandwidth"] = size(rng, log_uniform(rng, 1e6, 1e10)) + "/s"
    if rng.random() < 0.5:
        storage["replace_after"] = duration_dist(rng, log_uniform(rng, 60, 30 * 86400))
    if rng.random() < 0.5:
        storage["repair"] = rng.choice(["parallel", "serial"])
    if storage:
        scenario["storage"] = storage
    scenario["data"] = data
    scenario["replication"] = replication
    backups = gen_backups(rng, topo, horizon_s)
    if backups is not None:
        scenario["backups"] = backups
    faults = gen_faults(rng, topo, horizon_s, horizon_text, copy_sites, partitions)
    if faults:
        scenario["faults"] = faults
    writes = write_rate * horizon_s
    limits = {"writes_per_trial": rng.choice([1000, 20000, 100000])}
    if writes <= 50000 and rng.random() < 0.5:
        limits["write_model"] = "full"
    elif rng.random() < 0.3:
        limits["write_model"] = "windowed"
    scenario["limits"] = limits
    scenario["_trials"] = rng.randint(2, 8)  # popped before writing: the trials to run
    push_to_extremes(scenario, random.Random(f"{seed}:{index}:extreme"))
    fit_limits(scenario, random.Random(f"{seed}:{index}:limits"))
    return scenario


def push_to_extremes(scenario, rng):
    """In one scenario of five, one or two settings pushed to a valid extreme: copies and repairs
    that take centuries, outages and detections that outlast the horizon, tiny retentions.
    Drawn from a stream of their own, so that the rest of the scenario does not depend on them."""
    if rng.random() >= 0.2:
        return
    def storage(key, value):
        scenario.setdefault("storage", {})[key] = value

    replication = scenario["replication"]
    backups = scenario.get("backups", [])
    faults = scenario.get("faults", [])
    failures = scenario.get("failures", {})
    choices = [
        lambda: storage("rebuild_bandwidth", rng.choice(["1kB/s", "1B/s"])),
        lambda: storage("replace_after", rng.choice(
            ["exponential(mean=1e30y)", "fixed(290y)", "uniform(0s, 290y)", "0s"])),
        lambda: replication.__setitem__("failover", rng.choice(["0s", "290y"])),
    ]
    if "on_sync_unreachable" in replication and replication["on_sync_unreachable"] != "block":
        choices.append(lambda: replication.__setitem__(
            "on_sync_unreachable", {"degrade_after": rng.choice(["0s", "290y"])}))
    for rep in replication["replicas"]:
        if "delay" in rep:
            choices.append(lambda rep=rep: rep.__setitem__("delay", rng.choice(["0s", "290y"])))
    for b in backups:
        choices.append(lambda b=b: b.__setitem__("bandwidth", rng.choice(["1kB/s", "1B/s"])))
        choices.append(lambda b=b: b.__setitem__("retention", rng.choice(["1ns", "1s"])))
    for f in faults:
        key = {"outage": "duration", "destroy": "replace_after", "logical": "detected_after"}[
            MODES[f["kind"]][2]]
        choices.append(lambda f=f, key=key: f.__setitem__(key, rng.choice(
            ["fixed(290y)", "exponential(mean=1e30y)", "0s"])))
    for level in failures.values():
        for mode in level.values():
            for key in ("duration", "replace_after", "detected_after"):
                if key in mode:
                    choices.append(lambda mode=mode, key=key: mode.__setitem__(
                        key, rng.choice(["fixed(290y)", "exponential(mean=1e30y)", "0s"])))
    for change in rng.sample(choices, min(len(choices), rng.randint(1, 2))):
        change()


# ---------------------------------------------------------------------------------------------
# Staying inside durasim's input limits (src/scenario/scenario.cpp, scenarios/README.md "Limits")
#
# The draws above pick extreme shapes (Weibull 0.1, lognormal sigma 4) for fsyncs and latencies;
# durasim refuses a write path whose single draw can exceed a day, whose writes in flight would
# pass 2^22 in one partition, or whose steady-state window is longer than half the horizon or
# simulates more writes than limits/writes_per_trial. fit_limits mirrors those bounds and pulls a
# scenario back inside them: it scales the offending distribution down (its shape, so the
# extreme tail, stays), raises a replica's bandwidth, or raises writes_per_trial (or asks for the
# full model) as durasim's message would advise. It draws from a stream of its own and changes
# nothing in a scenario that is inside every limit, so those are generated as before.

U_TOP = 1.0 - 2.0 ** -53          # the largest uniform an RngStream draws (rounded)
MAX_DRAW_S = 86400.0              # kMaxWritePathDrawS
MAX_IN_FLIGHT = float(1 << 22)    # kMaxWritesInFlight
MAX_WRITE_PARTITIONS = 4096       # kMaxWritePartitions: past it no writes are simulated
# A value is pulled back when it passes a limit (give or take rounding: durasim's normal quantile
# is an approximation), and then to FIT_MARGIN inside it, so that the text's rounding keeps it in.
AT_LIMIT = 1.0 - 1e-6
FIT_MARGIN = 0.9


def quantity_value(text, units):
    text = text.strip()
    for unit, factor in sorted(units, key=lambda uf: -len(uf[0])):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    raise ValueError(f"no unit in {text!r}")


class Dist:
    """A distribution as durasim reads the text the generator writes (core/distribution.cpp):
    fixed: a; exponential: mean a; weibull: shape a, scale b; lognormal: median a, sigma b;
    uniform: a to b. Values in seconds or bytes."""

    def __init__(self, form, a, b=0.0):
        self.form, self.a, self.b = form, a, b

    @staticmethod
    def parse(text, units=DURATION_UNITS):
        text = text.strip()
        if "(" not in text:
            return Dist("fixed", quantity_value(text, units))
        name, args = text.split("(", 1)
        name = name.strip()
        positional, named = [], {}
        for arg in args.rstrip().rstrip(")").split(","):
            if "=" in arg:
                k, v = arg.split("=", 1)
                named[k.strip()] = v.strip()
            elif arg.strip():
                positional.append(arg.strip())
        if name == "fixed":
            return Dist("fixed", quantity_value(positional[0], units))
        if name == "exponential":
            return Dist("exponential", quantity_value(named["mean"], units))
        if name == "afr":
            p = float(positional[0].rstrip("%")) / 100
            return Dist("exponential", -YEAR_S / math.log1p(-p))
        if name == "weibull":
            k = float(named["shape"])
            if "scale" in named:
                return Dist("weibull", k, quantity_value(named["scale"], units))
            return Dist("weibull", k, quantity_value(named["mean"], units) / math.gamma(1 + 1 / k))
        if name == "lognormal":
            return Dist("lognormal", quantity_value(named["median"], units), float(named["sigma"]))
        if name == "uniform":
            return Dist("uniform", quantity_value(positional[0], units),
                        quantity_value(positional[1], units))
        raise ValueError(f"unknown distribution {text!r}")

    def sample(self, u):
        if self.form == "fixed":
            return self.a
        if self.form == "exponential":
            return -self.a * math.log1p(-u)
        if self.form == "weibull":
            return self.b * (-math.log1p(-u)) ** (1 / self.a)
        if self.form == "lognormal":
            return self.a * math.exp(self.b * statistics.NormalDist().inv_cdf(u))
        return self.a + (self.b - self.a) * u

    def mean(self):
        if self.form in ("fixed", "exponential"):
            return self.a
        if self.form == "weibull":
            return self.b * math.gamma(1 + 1 / self.a)
        if self.form == "lognormal":
            return self.a * math.exp(self.b * self.b / 2)
        return (self.a + self.b) / 2

    def largest(self):
        """durasim's largest_draw: the value at the largest uniform."""
        return self.sample(U_TOP)

    def expected_max(self, draws):
        """durasim's expected_max: the (1 - 1/draws) quantile, within [median, largest]."""
        return self.sample(min(max(1.0 - 1.0 / draws, 0.5), U_TOP))

    def text(self, rng, factor=1.0):
        """Durasim text of this distribution with every value scaled by `factor`."""
        if self.form == "fixed":
            return dur(rng, self.a * factor)
        if self.form == "exponential":
            return f"exponential(mean={dur(rng, self.a * factor)})"
        if self.form == "weibull":
            return f"weibull(shape={number(self.a)}, scale={dur(rng, self.b * factor)})"
        if self.form == "lognormal":
            return f"lognormal(median={dur(rng, self.a * factor)}, sigma={number(self.b)})"
        high = dur(rng, self.b * factor)  # both ends in one unit, the low one rounded down
        unit = high.lstrip("0123456789.")
        low = math.floor(self.a * factor / dict(DURATION_UNITS)[unit] * 1e9) / 1e9
        return f"uniform({number(low)}{unit}, {high})"


WRITE_PATH_DEFAULTS = (("storage", "fsync", "lognormal(median=200us, sigma=0.5)"),
                       ("latency", "same_datacenter", "100us"), ("latency", "same_region", "1ms"),
                       ("latency", "cross_region", "35ms"))


def write_path_dists(scenario):
    """(owner dict, key) of every distribution on a write's path, durasim's defaults filled in:
    the fsync, the latencies within a datacenter, a region and across regions, then the links."""
    owners = {"storage": scenario.setdefault("storage", {}),
              "latency": scenario["topology"].setdefault("latency", {})}
    for owner, key, default in WRITE_PATH_DEFAULTS:
        owners[owner].setdefault(key, default)
    return [(owners[o], k) for o, k, _ in WRITE_PATH_DEFAULTS] + \
        [(link, "one_way") for link in owners["latency"].get("links", [])]


def fit_limits(scenario, rng):
    """Pulls the scenario inside durasim's write-path limits; leaves it as it is when it is
    inside them already."""
    fitted = json.loads(json.dumps(scenario))
    if not fit_write_path(fitted, rng):
        return
    # The defaults filled in to compute with, and not changed, go again.
    owners = {"storage": (fitted, "storage", scenario.get("storage", {})),
              "latency": (fitted["topology"], "latency",
                          scenario["topology"].get("latency", {}))}
    for owner, key, default in WRITE_PATH_DEFAULTS:
        parent, name, given = owners[owner]
        if key not in given and parent[name][key] == default:
            del parent[name][key]
    for parent, name, _ in owners.values():
        if not parent[name]:
            del parent[name]
    scenario.clear()
    scenario.update(fitted)


def fit_write_path(scenario, rng):
    """fit_limits on a copy: True when something had to change."""
    places = write_path_dists(scenario)
    filled = json.dumps(scenario, sort_keys=True)

    def dist(place):
        return Dist.parse(place[0][place[1]])

    def scale(place, factor):
        place[0][place[1]] = dist(place).text(rng, factor)

    # 1. One draw on a write's path is at most a day (fsync, latencies): bound_draws.
    for place in places:
        top = dist(place).largest()
        if top > MAX_DRAW_S * AT_LIMIT:
            scale(place, FIT_MARGIN * MAX_DRAW_S / top)
    data, replication = scenario["data"], scenario["replication"]
    write_size = Dist.parse(data["write_size"], SIZE_UNITS)
    # 0. A backup schedule's one stream copies each piece (of the whole data set) within its
    # period: bound_backup_work.
    for b in scenario.get("backups", []):
        if "bandwidth" not in b:
            continue
        every = quantity_value(b["every"], DURATION_UNITS)
        size_b = quantity_value(data["size"], SIZE_UNITS)
        written = float(data["write_rate"].split("/")[0]) * write_size.mean() * every
        # catalog.cpp piece_bytes: an incremental holds at most the data set.
        piece = {"full": size_b, "incremental": min(written, size_b)}.get(b["kind"], written)
        bw = quantity_value(b["bandwidth"][: -len("/s")], SIZE_UNITS)
        if piece / bw > every * AT_LIMIT:
            b["bandwidth"] = size(rng, piece / (FIT_MARGIN * every)) + "/s"
            bw = quantity_value(b["bandwidth"][: -len("/s")], SIZE_UNITS)
        # A retention no longer than the copy is refused too: keep it past the copy.
        if "retention" in b and quantity_value(b["retention"], DURATION_UNITS) <= \
                piece / bw / AT_LIMIT:
            b["retention"] = dur(rng, piece / bw / FIT_MARGIN)
    # 2. So is one write's transmission over a replica's stream.
    for rep in replication["replicas"]:
        if "bandwidth" in rep:
            bw = quantity_value(rep["bandwidth"][: -len("/s")], SIZE_UNITS)
            if write_size.largest() / bw > MAX_DRAW_S * AT_LIMIT:
                fitting = write_size.largest() / (FIT_MARGIN * MAX_DRAW_S)
                rep["bandwidth"] = size(rng, fitting) + "/s"
    rate = float(data["write_rate"].split("/")[0])
    partitions = data.get("partitions", 1)
    if rate > 0 and partitions <= MAX_WRITE_PARTITIONS:
        fit_writes(scenario, places, rate, partitions, write_size, dist, scale, rng)
    return json.dumps(scenario, sort_keys=True) != filled


def datacenter_of(site):
    return site.split("/")[0]


def dc_links(scenario, places):
    """The datacenter graph of LatencyModel: per pair of datacenters, the place of the
    distribution on their direct link (the most specific `links` entry naming them, else
    same_region or cross_region)."""
    region_of = {dc["name"]: r["name"] for r in scenario["topology"]["regions"]
                 for dc in r["datacenters"]}
    dcs = list(region_of)
    links = scenario["topology"]["latency"].get("links", [])

    def covers(end, dc):
        return end == dc or end == region_of[dc]

    def specificity(link, x, y):
        a, b = link["between"]
        if (covers(a, x) and covers(b, y)) or (covers(a, y) and covers(b, x)):
            return (a in region_of) + (b in region_of)  # ends that are datacenters
        return -1

    direct = {}
    for i, x in enumerate(dcs):
        for y in dcs[i + 1:]:
            chosen, best = places[2] if region_of[x] == region_of[y] else places[3], -1
            for n, link in enumerate(links):
                score = specificity(link, x, y)
                if score > best:  # ties: the first listed link wins
                    chosen, best = places[4 + n], score
            direct[x, y] = direct[y, x] = chosen
    return dcs, direct


def path_terms(scenario, places, dist, draws):
    """(mean, expected largest) of the longest one-way path between two copies' datacenters,
    as LatencyModel routes them: the shortest path by mean, summed over its hops. Where several
    paths tie, the largest sum of expected largest draws among them (durasim takes one)."""
    dcs, direct = dc_links(scenario, places)
    mean = {pair: dist(place).mean() for pair, place in direct.items()}
    top = {pair: dist(place).expected_max(draws) for pair, place in direct.items()}
    sites = [scenario["replication"]["primary"]] + \
            [r["at"] for r in scenario["replication"]["replicas"]]
    ends = sorted({datacenter_of(s) for s in sites})
    longest_mean = dist(places[1]).mean() if len(ends) < len(sites) else 0.0
    longest_top = dist(places[1]).expected_max(draws) if len(ends) < len(sites) else 0.0
    for src in ends:
        far = {d: math.inf for d in dcs}  # Dijkstra over the complete graph of datacenters
        far[src], todo = 0.0, set(dcs)
        while todo:
            u = min(todo, key=lambda d: far[d])
            todo.remove(u)
            for v in todo:
                far[v] = min(far[v], far[u] + mean[u, v])

        def tight(u, v):
            return far[u] + mean[u, v] <= far[v] * (1 + 1e-12) + 1e-18

        def heaviest(v, seen, budget):  # largest sum of draws over tight paths src -> v
            if v == src:
                return 0.0
            best = -math.inf
            for u in dcs:
                if u != v and u not in seen and tight(u, v) and budget[0] > 0:
                    budget[0] -= 1
                    best = max(best, heaviest(u, seen | {u}, budget) + top[u, v])
            return best

        for dst in ends:
            if dst == src:
                continue
            longest_mean = max(longest_mean, far[dst])
            budget = [100000]
            heavy = heaviest(dst, {dst}, budget)
            if budget[0] <= 0:  # too many ties to list: every hop at the worst link
                heavy = (len(dcs) - 1) * max(top.values())
            longest_top = max(longest_top, heavy)
    return longest_mean, longest_top


def fit_writes(scenario, places, rate, partitions, write_size, dist, scale, rng):
    """Writes in flight and the windowed model's window (bound_write_work in scenario.cpp)."""
    rate_pp = rate / partitions
    horizon_s = horizon_seconds(scenario["horizon"])
    draws = max(1.0, rate * horizon_s)
    fsync = places[0]
    streams = []  # (bandwidth, utilisation) of each replica stream with a bandwidth
    for rep in scenario["replication"]["replicas"]:
        if "bandwidth" in rep:
            bw = quantity_value(rep["bandwidth"][: -len("/s")], SIZE_UNITS)
            streams.append((bw, rate_pp * write_size.mean() / bw))

    # 3. Writes in flight in one partition: two fsyncs and two crossings of the longest path at
    # their largest expected draws, plus each stream's queue (write_terms). While too many,
    # the heaviest distribution on the write's way is halved.
    # Under degrade_after, the writes of min(degrade_after, horizon) wait for a sync replica
    # that is away.
    replication = scenario["replication"]
    degrade = replication.get("on_sync_unreachable")
    # all_sync (an "ack" object is a quorum), degrade_after and a sync replica.
    waits = (not isinstance(replication.get("ack"), dict) and isinstance(degrade, dict)
             and any(r.get("mode") == "sync" for r in replication["replicas"]))

    def waiting():
        if not waits:
            return 0.0
        return rate_pp * min(quantity_value(degrade["degrade_after"], DURATION_UNITS), horizon_s)

    def in_flight():
        queues = sum(rho / (1 - rho) + rate_pp * write_size.expected_max(draws) / bw
                     for bw, rho in streams)
        path = path_terms(scenario, places, dist, draws)[1]
        return rate_pp * (2 * dist(fsync).expected_max(draws) + 2 * path) + queues + waiting()

    if in_flight() > MAX_IN_FLIGHT * AT_LIMIT and waiting() > FIT_MARGIN * MAX_IN_FLIGHT / 2:
        degrade["degrade_after"] = dur(rng,
                                       FIT_MARGIN * MAX_IN_FLIGHT / 2 / rate_pp)
    if in_flight() > MAX_IN_FLIGHT * AT_LIMIT:
        for _ in range(200):
            if in_flight() <= FIT_MARGIN * MAX_IN_FLIGHT:
                break
            scale(max(places, key=lambda p: dist(p).expected_max(draws)), 0.5)

    # 4. The windowed model's steady-state window (steady_state_window_s): at most half the
    # horizon, and at most limits/writes_per_trial writes of a partition.
    path_s = 2 * dist(fsync).mean() + 2 * path_terms(scenario, places, dist, draws)[0]
    window = max(10 * path_s, 20 / rate_pp)
    for bw, rho in streams:
        window = max(window, 30 / (bw / write_size.mean() * (1 - math.sqrt(rho)) ** 2))
    limits = scenario.setdefault("limits", {})
    requested = limits.get("write_model", "auto")
    per_trial = limits.get("writes_per_trial", 2_000_000)
    writes = rate * horizon_s
    windowed = requested == "windowed" or (requested == "auto" and writes > per_trial)
    if windowed and window > horizon_s / 2 * AT_LIMIT:
        # What durasim advises for so short a horizon: the full model.
        if requested == "windowed":
            limits["write_model"] = "full"
        else:
            limits["writes_per_trial"] = math.ceil(writes / FIT_MARGIN)
    elif windowed and rate_pp * window > per_trial * AT_LIMIT:
        limits["writes_per_trial"] = math.ceil(rate_pp * window / FIT_MARGIN)
    if not limits:
        del scenario["limits"]


def parse_size_guess(text):
    for unit, factor in sorted(SIZE_UNITS, key=lambda uf: -len(uf[0])):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    raise ValueError(text)


def metamorphic_variants(scenario, horizon_s):
    """Copies of the scenario with one added failure mode that never strikes within the horizon."""
    failures = scenario.get("failures", {})
    absent = [k for k, (level, key, _) in MODES.items() if key not in failures.get(level, {})]
    if not absent:
        return []
    variants = []
    ttfs = (["fixed(250y)"] if horizon_s < 250 * YEAR_S else []) + ["exponential(mean=1e30y)"]
    for n, ttf in enumerate(ttfs):
        kind = absent[0] if n == 0 else absent[-1]  # two kinds when there are two
        level, key, effect = MODES[kind]
        mode = {"ttf": ttf}
        if effect == "outage":
            mode["duration"] = "1h"
        elif effect == "logical":
            mode["fraction"] = 0.5
        copy = json.loads(json.dumps(scenario))
        copy.setdefault("failures", {}).setdefault(level, {})[key] = mode
        variants.append((f"{level}.{key} ttf {ttf}", copy))
    return variants


# ---------------------------------------------------------------------------------------------
# Checks of one report

class Problems(list):
    def add(self, check, detail):
        self.append((check, detail))


NULL_ALLOWED = ("nines/estimate", "/mttdl_s", "mttdl_s_ci95/1")
# Injected faults are a timeline, not a sample of years: no annual figures (null, with a note).
NULL_ALLOWED_INJECTED = NULL_ALLOWED + ("/annual_probability", "nines/lower_bound",
                                        "mttdl_s_ci95/0")


def walk(value, path=""):
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from walk(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, f"{path}/{i}")


def check_report(report, problems):
    body = {k: v for k, v in report.items() if k not in ("run", "scenario")}
    allowed = NULL_ALLOWED_INJECTED if report.get("scenario", {}).get("faults") else NULL_ALLOWED
    # A summary over no incident has no mean or quantiles: null there, and only there.
    empty = {f"{path}/{k}" for path, v in walk(body)
             if isinstance(v, dict) and v.get("incidents", v.get("count")) == 0
             for k in ("mean", "p50", "p99", "max")}
    for path, v in walk(body):
        if v is None and not path.endswith(allowed) and path not in empty:
            problems.add("finite", f"null at {path}")
        if isinstance(v, float) and not math.isfinite(v):
            problems.add("finite", f"{v} at {path}")
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v < 0 \
                and "/ci95/" not in path + "/":
            problems.add("non-negative", f"{v} at {path}")
    for path, v in walk(body):
        if not isinstance(v, dict):
            continue
        name = path.rsplit("/", 1)[-1]
        if name in ("probability", "annual_probability") and "estimate" in v:
            est, ci = v["estimate"], v.get("ci95")
            if not (_num(est) and 0 <= est <= 1):
                problems.add("probability", f"estimate {est} outside [0, 1] at {path}")
            if not (isinstance(ci, list) and len(ci) == 2 and all(map(_num, ci))):
                problems.add("probability", f"ci95 {ci} is not two numbers at {path}")
            elif not (0 <= ci[0] <= ci[1] <= 1):
                problems.add("probability", f"ci95 {ci} not inside [0, 1] at {path}")
            elif _num(est) and not ci[0] <= est <= ci[1]:
                problems.add("probability", f"estimate {est} outside ci95 {ci} at {path}")
        elif "mean" in v and "ci95" in v:
            mean, ci = v["mean"], v["ci95"]
            if _num(mean) and isinstance(ci, list) and len(ci) == 2 and all(map(_num, ci)) \
                    and not ci[0] <= mean <= ci[1]:
                problems.add("interval", f"mean {mean} outside ci95 {ci} at {path}")
        if all(_num(v.get(k)) for k in ("p50", "p99", "max")):
            err = v.get("quantile_relative_error", v.get("relative_error"))
            tol = 1 + err if _num(err) else 1
            keys = [k for k in ("p50", "p90", "p99", "p999", "max") if k in v]
            for a, b in zip(keys, keys[1:]):
                if v[a] > v[b] * tol + 1e-12:
                    problems.add("percentiles", f"{a} {v[a]} > {b} {v[b]} at {path}")
            if _num(v.get("mean")) and v["mean"] > v["max"] * tol * (1 + 1e-9) + 1e-12:
                problems.add("percentiles", f"mean {v['mean']} > max {v['max']} at {path}")
    loss = body.get("loss", {})
    mttdl, mci = loss.get("mttdl_s"), loss.get("mttdl_s_ci95")
    if _num(mttdl) and isinstance(mci, list) and len(mci) == 2:
        if _num(mci[0]) and mci[0] > mttdl or _num(mci[1]) and mttdl > mci[1]:
            problems.add("interval", f"mttdl_s {mttdl} outside mttdl_s_ci95 {mci}")
    analytic = body.get("analytic")
    if isinstance(analytic, dict) and _num(analytic.get("probability")) \
            and not 0 <= analytic["probability"] <= 1:
        problems.add("probability", f"analytic probability {analytic['probability']}")
    try:
        check_counts(report, body, problems)
    except (TypeError, AttributeError) as e:  # a null or a missing block, reported above
        problems.add("report shape", f"counts not comparable: {e}")


def _num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_counts(report, body, problems):
    """Totals over trials: what was lost fits in what was acknowledged, and so on."""
    trials = report.get("trials", 0)
    loss, writes = body.get("loss", {}), body.get("writes", {})
    lost_mean = loss.get("lost_writes", {}).get("mean", 0)
    lost_max = loss.get("lost_writes", {}).get("max", 0)
    acked, issued = writes.get("acknowledged", 0), writes.get("issued", 0)
    lost_total = lost_mean * trials
    if lost_total > acked * (1 + 1e-9) + 1e-6:
        problems.add("lost<=acknowledged",
                     f"lost writes {lost_total:g} (mean {lost_mean} x {trials} trials) exceed "
                     f"acknowledged {acked}")
    if lost_max > acked:
        problems.add("lost<=acknowledged",
                     f"lost_writes.max {lost_max} exceeds acknowledged {acked}")
    if acked > issued:
        problems.add("acknowledged<=issued", f"acknowledged {acked} exceed issued {issued}")
    if writes.get("degraded_lost_writes", 0) > writes.get("degraded_acks", 0):
        problems.add("degraded", f"degraded_lost_writes {writes.get('degraded_lost_writes')} "
                                 f"exceed degraded_acks {writes.get('degraded_acks')}")
    by_cause = loss.get("by_cause", {})
    # Every write, byte and partition lost is charged to exactly one cause (degraded_ack apart).
    cause_lost = sum(c.get("lost_writes", 0) for c in by_cause.values())
    if abs(cause_lost - lost_total) > 1e-9 * lost_total + 1e-6:
        problems.add("by_cause",
                     f"lost writes by cause {cause_lost} are not the total {lost_total:g}")
    bytes_total = loss.get("lost_bytes", {}).get("mean", 0) * trials
    cause_bytes = sum(c.get("lost_bytes", 0) for c in by_cause.values())
    if abs(cause_bytes - bytes_total) > 1e-9 * bytes_total + 1e-6:
        problems.add("by_cause",
                     f"lost bytes by cause {cause_bytes:g} are not the total {bytes_total:g}")
    data_loss_trials = loss.get("data_loss", {}).get("trials_with_loss", 0)
    data_loss_incidents = sum(c.get("data_loss_incidents", 0) for c in by_cause.values())
    if data_loss_incidents < data_loss_trials:
        problems.add("by_cause", f"{data_loss_trials} trials lost a partition but only "
                                 f"{data_loss_incidents} incidents by cause did")
    for kind, c in by_cause.items():
        charged = c.get("lost_writes", 0) or c.get("lost_bytes", 0) or c.get("lost_records", 0)
        if charged and not c.get("loss_incidents", 0):
            problems.add("by_cause", f"{kind}: charged with a loss but no incident of it lost "
                                     f"anything")
        if c.get("loss_incidents", 0) > c.get("incidents", 0) or \
                c.get("data_loss_incidents", 0) > c.get("loss_incidents", 0):
            problems.add("by_cause", f"{kind}: incidents {c.get('incidents')}, loss_incidents "
                                     f"{c.get('loss_incidents')}, data_loss_incidents "
                                     f"{c.get('data_loss_incidents')}")
    k = loss.get("trials_with_loss", 0)
    if k > trials:
        problems.add("trials_with_loss", f"{k} trials with loss out of {trials}")
    for effect, e in loss.get("by_effect", {}).items():
        if e.get("trials_with_loss", 0) > k:
            problems.add("trials_with_loss", f"{effect}: {e.get('trials_with_loss')} > {k}")
    probability = loss.get("probability", {}).get("estimate")
    if _num(probability) and trials and abs(probability - k / trials) > 1e-12:
        problems.add("probability", f"estimate {probability} is not {k}/{trials}")
    nines = loss.get("nines", {})
    if _num(nines.get("estimate")) and _num(nines.get("lower_bound")) \
            and nines["lower_bound"] > nines["estimate"] * (1 + 1e-12):
        problems.add("nines", f"lower_bound {nines['lower_bound']} above estimate "
                              f"{nines['estimate']}")
    restores = body.get("restores", {})
    if restores and restores.get("count") != sum(restores.get("from", {}).values()):
        problems.add("restores", f"count {restores.get('count')} is not the sum of {restores}")
    simulated = writes.get("simulated", 0)
    latency_count = body.get("write_latency_s", {}).get("count", 0)
    if latency_count > simulated:
        problems.add("writes", f"{latency_count} latencies from {simulated} simulated writes")
    if "write_rate is 0" in str(writes.get("note")) and issued:
        problems.add("writes", f"write_rate is 0 but {issued} writes issued")
    logical = body.get("logical", {})
    if logical and logical.get("recoveries") != sum(logical.get("sources", {}).values()):
        problems.add("logical", f"recoveries {logical.get('recoveries')} are not the sum of the "
                                f"sources {logical.get('sources')}")
    deleted = logical.get("deleted_records", {}).get("mean", 0)
    lost_records = logical.get("lost_records", {}).get("mean", 0)
    if lost_records > deleted * (1 + 1e-9) + 1e-6:
        problems.add("lost<=deleted", f"lost records mean {lost_records} exceed deleted {deleted}")


def comparable(report, also=()):
    return {k: v for k, v in report.items() if k not in ("run",) + tuple(also)}


def first_difference(a, b, path=""):
    """The JSON path of the first place two values differ, with both values, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}/{k}: {'absent' if k not in a else 'present'} vs " \
                       f"{'absent' if k not in b else 'present'}"
            d = first_difference(a[k], b[k], f"{path}/{k}")
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}/{i}")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {json.dumps(a)[:80]} vs {json.dumps(b)[:80]}"


def self_test():
    """The checks must catch planted bugs: each edit of a clean report must trip its check."""
    interval = {"estimate": 0.25, "ci95": [0.05, 0.6]}
    clean = {
        "trials": 4, "run": {}, "scenario": {}, "write_model": "full",
        "loss": {"trials_with_loss": 1, "probability": interval, "annual_probability": interval,
                 "nines": {"estimate": 0.6, "lower_bound": 0.2}, "mttdl_s": None,
                 "mttdl_s_ci95": [10.0, None], "by_effect": {},
                 "by_cause": {"fire": {"incidents": 2, "loss_incidents": 1,
                                       "data_loss_incidents": 1, "lost_writes": 8,
                                       "lost_bytes": 4096.0}},
                 "data_loss": {"trials_with_loss": 1, "probability": interval},
                 "lost_bytes": {"mean": 1024.0, "ci95": [0.0, 3000.0], "p50": 0, "p99": 4096,
                                "max": 4096},
                 "lost_writes": {"mean": 2.0, "ci95": [0.0, 4.0], "p50": 0, "p99": 8, "max": 8}},
        "writes": {"issued": 100, "acknowledged": 90, "simulated": 100, "degraded_acks": 0,
                   "degraded_lost_writes": 0},
        "write_latency_s": {"count": 90, "mean": 0.002, "p50": 0.001, "p90": 0.002,
                            "p99": 0.003, "p999": 0.004, "max": 0.004, "relative_error": 0.005},
    }
    planted = [
        ("finite", lambda r: r["write_latency_s"].__setitem__("p50", float("nan"))),
        ("finite", lambda r: r["writes"].__setitem__("acknowledged", None)),
        ("probability", lambda r: r["loss"]["probability"].__setitem__("estimate", 0.9)),
        ("probability", lambda r: r["loss"].__setitem__("annual_probability",
                                                        {"estimate": 0.5, "ci95": [0.1, 1.2]})),
        ("interval", lambda r: r["loss"]["lost_writes"].__setitem__("ci95", [3.0, 4.0])),
        ("percentiles", lambda r: r["write_latency_s"].__setitem__("p99", 0.01)),
        ("lost<=acknowledged", lambda r: r["loss"]["lost_writes"].update(mean=30.0, max=95)),
        ("degraded", lambda r: r["writes"].__setitem__("degraded_lost_writes", 1)),
        ("by_cause", lambda r: r["loss"]["by_cause"]["fire"].__setitem__("lost_writes", 7)),
        ("by_cause", lambda r: r["loss"]["by_cause"]["fire"].__setitem__("lost_bytes", 0.0)),
        ("by_cause", lambda r: r["loss"]["data_loss"].__setitem__("trials_with_loss", 2)),
        ("by_cause", lambda r: r["loss"]["by_cause"]["fire"].update(loss_incidents=0,
                                                                    data_loss_incidents=0)),
    ]
    problems = Problems()
    check_report(json.loads(json.dumps(clean)), problems)
    assert not problems, f"swarm self-test: a clean report fails {problems}"
    for check, plant in planted:
        report = json.loads(json.dumps(clean))
        plant(report)
        problems = Problems()
        check_report(report, problems)
        assert check in [c for c, _ in problems], f"swarm self-test: '{check}' missed a bug"
    self_test_fit()


def self_test_fit():
    """The text parser reads what the generator writes, and fit_limits pulls a write path that
    breaks the limits inside them while leaving one inside them as it is."""
    rng = random.Random("self-test")
    for text, mean in (("2.5ms", 2.5e-3), ("fixed(1m)", 60.0), ("exponential(mean=3s)", 3.0),
                       ("weibull(shape=2, scale=10s)", 10 * math.gamma(1.5)),
                       ("weibull( scale = 10s , shape = 2 )", 10 * math.gamma(1.5)),
                       ("weibull(shape=0.5, mean=4h)", 4 * 3600.0),
                       ("lognormal(median=1ms, sigma=0.5)", 1e-3 * math.exp(0.125)),
                       ("uniform(1s, 3s)", 2.0), ("afr(50%)", YEAR_S / math.log(2))):
        d = Dist.parse(text)
        assert abs(d.mean() - mean) <= 1e-9 * mean, f"swarm self-test: {text} has mean {d.mean()}"
        again = Dist.parse(d.text(rng))
        assert abs(again.mean() - mean) <= 1e-6 * mean, f"swarm self-test: {text} written back"
    inside = {"horizon": "1d", "topology": {"regions": [{"name": "r", "datacenters": [
        {"name": "a", "nodes": 2}, {"name": "b", "nodes": 2}]}]},
        "data": {"write_rate": "1000/s", "write_size": "4KiB"},
        "replication": {"primary": "a", "replicas": [{"at": "b", "mode": "sync"}]}}
    copy = json.loads(json.dumps(inside))
    fit_limits(copy, rng)
    assert copy == inside, f"swarm self-test: fit_limits changed a valid scenario: {copy}"
    heavy = json.loads(json.dumps(inside))
    heavy["storage"] = {"fsync": "weibull(shape=0.1, scale=1ms)"}  # largest draw ~1e9 years
    fit_limits(heavy, rng)
    fsync = Dist.parse(heavy["storage"]["fsync"])
    assert fsync.form == "weibull" and fsync.a == 0.1 and fsync.largest() <= MAX_DRAW_S, \
        f"swarm self-test: fit_limits left fsync {heavy['storage']['fsync']}"


# ---------------------------------------------------------------------------------------------
# Running durasim

def run(cmd):
    """(exit code or 'timeout', stderr tail) of a durasim call."""
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT_S, text=True)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    return p.returncode, (p.stderr.strip().splitlines() or [""])[-1][:300]


def describe_exit(rc, err):
    if rc == "timeout":
        return f"ran past {TIMEOUT_S} s"
    if rc < 0:
        return f"killed by signal {-rc}: {err}"
    return f"exit {rc}: {err}"


def run_report(durasim, path, out, trials, threads, problems, label):
    """The report of `durasim run --check`; when a checker stops it (exit 70), the report of the
    same run without the checkers, so that the other checks still judge the scenario."""
    cmd = [durasim, "run", path, "--trials", str(trials), "--threads", str(threads), "-q",
           "--progress", "never", "--json", out]
    rc, err = run(cmd + ["--check"])
    if rc != 0:
        problems.add(f"run --check ({label})", describe_exit(rc, err))
        if rc != 70:
            return None
        rc, err = run(cmd)
        if rc != 0:
            problems.add(f"run ({label})", describe_exit(rc, err))
            return None
    try:
        with open(out) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        problems.add(f"report ({label})", f"unreadable JSON report: {e}")
        return None


def check_scenario(durasim, scenario, trials, horizon_s, workdir, stem):
    """(problems, scenario path, refusal): the (check, detail) pairs one scenario fails, and
    durasim's message when it refused the file (a generator bug, nothing else checked)."""
    problems = Problems()
    path = os.path.join(workdir, stem + ".json")
    write_json(path, scenario)
    rc, err = run([durasim, "validate", path])
    if rc == 2:
        return problems, path, err
    if rc != 0:
        problems.add("validate", describe_exit(rc, err))
        return problems, path, None
    out = os.path.join(workdir, stem)
    one = run_report(durasim, path, out + ".t1.report.json", trials, 1, problems, "1 thread")
    if one is None:
        return problems, path, None
    check_report(one, problems)
    two = run_report(durasim, path, out + ".t2.report.json", trials, 2, problems, "2 threads")
    if two is not None:
        diff = first_difference(comparable(one), comparable(two))
        if diff:
            problems.add("threads", f"1 and 2 threads differ at {diff}")
    for n, (what, variant) in enumerate(metamorphic_variants(scenario, horizon_s)):
        vpath = f"{out}.meta{n}.json"
        write_json(vpath, variant)
        got = run_report(durasim, vpath, f"{out}.meta{n}.report.json", trials, 2, problems,
                         f"with {what}")
        if got is None:
            continue
        diff = first_difference(comparable(one, ("scenario", "analytic")),
                                comparable(got, ("scenario", "analytic")))
        if diff:
            problems.add("metamorphic", f"adding {what} changed {diff} (variant {vpath})")
    return problems, path, None


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")


def horizon_seconds(text):
    for unit, factor in sorted(DURATION_UNITS, key=lambda uf: -len(uf[0])):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    raise ValueError(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--durasim", required=True, help="the durasim binary")
    ap.add_argument("--count", type=int, default=100, help="number of scenarios")
    ap.add_argument("--seed", default="1", help="swarm seed (scenario i uses '<seed>:<i>')")
    ap.add_argument("--only", type=int, help="run only scenario I of this seed")
    ap.add_argument("--keep", help="keep every scenario and report in this folder (else only "
                    "those of failures, in a temporary folder)")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per scenario")
    args = ap.parse_args()
    self_test()

    durasim = os.path.abspath(args.durasim)
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        workdir = args.keep
    else:
        workdir = tempfile.mkdtemp(prefix="durasim-swarm-")
    indices = [args.only] if args.only is not None else range(args.count)
    failures, invalid, started = [], [], time.monotonic()
    for i in indices:
        scenario = generate(args.seed, i)
        trials = scenario.pop("_trials")
        horizon_s = horizon_seconds(scenario["horizon"])
        t0 = time.monotonic()
        problems, where, refusal = check_scenario(durasim, scenario, trials, horizon_s, workdir,
                                                  f"swarm-{args.seed}-{i}")
        if refusal is not None:
            invalid.append(i)
            print(f"swarm: scenario {i} refused by validate (a generator bug): {where}: "
                  f"{refusal}", file=sys.stderr)
        elif problems:
            failures.append((i, problems, where))
        elif not args.keep:  # a long hunt keeps only what failed
            for name in glob.glob(os.path.join(workdir, f"swarm-{args.seed}-{i}.*")):
                os.remove(name)
        if args.verbose:
            print(f"  {i}: {time.monotonic() - t0:.2f}s {len(problems)} problem(s)",
                  file=sys.stderr)
    elapsed = time.monotonic() - started
    n = len(indices)
    print(f"swarm: {n} scenarios, {len(failures)} failures"
          + (f", {len(invalid)} invalid" if invalid else "")
          + f" (seed {args.seed}, {elapsed:.1f} s, {elapsed / max(n, 1):.2f} s per scenario)")
    for i, problems, where in failures:
        print(f"FAIL scenario {i}:")
        # A violation usually stops every run of the scenario alike: print each message once.
        checks_of = {}
        for check, detail in problems:
            checks_of.setdefault(detail, []).append(check)
        for detail, checks in checks_of.items():
            print(f"  [{'; '.join(checks)}] {detail}")
        keep = args.keep or workdir
        print(f"  reproduce: tools/swarm.py --durasim {args.durasim} --seed {args.seed} "
              f"--only {i} --keep {keep}")
        print(f"  scenario:  {where}")
    if not args.keep and not failures and not invalid:
        shutil.rmtree(workdir, ignore_errors=True)
    elif not args.keep:
        print(f"swarm: kept {workdir}")
    return 1 if failures or invalid else 0


if __name__ == "__main__":
    sys.exit(main())
