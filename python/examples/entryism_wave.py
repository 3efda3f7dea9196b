"""How large must an entryist wave be, spread over how many target CLPs, to win half of them
with 90% probability?

An organised wave of joiners (scenarios/labour-2016-entryism.toml, `waves.organised`): people
who joined before the meeting freeze, are active, and are brought to their CLP's nomination
meeting by organisers. The wave is split equally over `target_count` CLPs chosen at random
(`target = "random"`, fixed by the seed). For a grid of people per target CLP and numbers of
targets, the script runs the 2016 contest many times and counts, in each run, how many of the
targets that held a nomination meeting nominated the wave's candidate. It reports the
probability that this is at least half, and the smallest wave that reaches 90%.

Targets that hold no meeting count against the wave only through "half of those that meet":
about 44% of CLPs hold no nomination meeting in the scenario whatever the wave does, so "half
of all targets" is out of reach at 90% once there are more than a handful of targets.

By default the wave organises for the challenger (Owen Smith; the moderates), since Jeremy
Corbyn's side already wins most meetings without help; --candidate corbyn --faction momentum
asks the question for the other side.

Run from the repository root, with the module built (see README.md, "Python"):
    PYTHONPATH=build/python python3 python/examples/entryism_wave.py
"""

import argparse
import math
import os
import sys
import time

import numpy as np

import leadsim

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCENARIO = os.path.join(HERE, "..", "..", "scenarios", "labour-2016-entryism.toml")


def win_half_probability(scenario, per_clp, targets, candidate, runs, seed, threads):
    """P(the wave's candidate wins at least half of the target CLPs that meet), over runs.

    Returns (probability, mean share of meeting targets won, seconds)."""
    s = scenario.set({"waves.organised.size": per_clp * targets,
                      "waves.organised.target_count": targets})
    result = leadsim.run(s, runs=runs, seed=seed, threads=threads)
    target = np.array(s.wave_targets("organised", seed))
    c = s.candidate_index(candidate)
    won = (result.clp_nominee[:, target] == c).sum(axis=1)   # per run: targets nominating c
    met = result.clp_met[:, target].sum(axis=1)              # per run: targets that met
    # A run in which no target meets is not a win.
    success = (met > 0) & (2 * won >= met)
    share = np.where(met > 0, won / np.maximum(met, 1), 0.0)
    return success.mean(), share.mean(), result.seconds


def threshold(sizes, probs, goal):
    """The smallest size reaching `goal`, interpolated on log(size) between grid points;
    None if no grid point reaches it."""
    for i, p in enumerate(probs):
        if p >= goal:
            if i == 0:
                return sizes[0]
            p0, p1 = probs[i - 1], p
            s0, s1 = math.log(sizes[i - 1]), math.log(sizes[i])
            return math.exp(s0 + (goal - p0) / (p1 - p0) * (s1 - s0))
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=DEFAULT_SCENARIO)
    ap.add_argument("--candidate", default="smith", help="candidate the wave organises for")
    ap.add_argument("--faction", default="moderate", help="faction the wave's people belong to")
    ap.add_argument("--per-clp", default="10,20,40,80",
                    help="people per target CLP (comma-separated grid)")
    ap.add_argument("--targets", default="5,20,80",
                    help="numbers of target CLPs (comma-separated grid)")
    ap.add_argument("--runs", type=int, default=200, help="Monte Carlo runs per grid point")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="0: all cores")
    ap.add_argument("--goal", type=float, default=0.9, help="probability to reach")
    ap.add_argument("--quick", action="store_true",
                    help="a 2 x 2 grid with 30 runs per point (a smoke test)")
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.per_clp.split(",")]
    counts = [int(x) for x in a.targets.split(",")]
    if a.quick:
        sizes, counts, a.runs = sizes[:2], counts[:2], 30

    base = leadsim.load(a.scenario, set={"waves.organised.factions": {a.faction: 1.0}})
    name = base.candidate_names[base.candidate_index(a.candidate)]
    print(f"{base.name}: an organised wave of '{a.faction}' joiners for {name}")
    print(f"{a.runs} runs per point, seed {a.seed}. P(wins at least half of the target CLPs "
          f"that hold a meeting) [mean share of them won]")
    print(("targets  " + "".join(f"{s:>7d}/CLP    " for s in sizes)).rstrip())
    start = time.time()
    answers = []
    for n in counts:
        probs, cells = [], []
        for size in sizes:
            p, share, _ = win_half_probability(base, size, n, a.candidate, a.runs, a.seed,
                                               a.threads)
            probs.append(p)
            cells.append(f"{p:5.2f} [{share:4.2f}]")
        print(f"{n:7d}  " + "   ".join(cells), flush=True)
        answers.append((n, threshold(sizes, probs, a.goal)))
    print(f"\nSmallest wave for P >= {a.goal:.0%} (interpolated between grid points):")
    for n, t in answers:
        if t is None:
            print(f"  {n:3d} targets: beyond the grid (more than {sizes[-1]} per CLP)")
        else:
            print(f"  {n:3d} targets: about {t:.0f} per target CLP, {t * n:,.0f} people in all")
    print(f"({time.time() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
