"""leadsim.score: the dict it returns matches what a run's own per-CLP probabilities give
(scored by hand here with numpy), the folder it writes, determinism, and bad observed files
raising ScenarioError with file and line."""

import json
import math
import os
import tempfile
import unittest

import numpy as np

import leadsim
from support import TOY

RUNS = 80


def observed_file(folder, rows, name="observed.csv"):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write("clp,nation,nominated\n")
        for clp, who in rows:
            f.write(f"{clp},x,{who}\n")
    return path


class ScoreTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.rows = [(f"CLP {i}", "none" if i % 3 == 0 else ("left" if i % 2 else "right"))
                    for i in range(1, 16)]
        cls.observed = observed_file(cls.tmp.name, cls.rows)
        cls.s = leadsim.load(TOY)
        cls.score = leadsim.score(cls.s, cls.observed, runs=RUNS, seed=2, threads=2)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_scores_match_the_runs_probabilities(self):
        # The same scenario, seed and runs through leadsim.run: its per-CLP frequencies, scored
        # here by hand, give the same Brier score, log score (smoothed (k + 1/2) / (R + K/2))
        # and AUC.
        r = leadsim.run(self.s, runs=RUNS, seed=2, per_run_clps=False)
        ids = list(r.candidates) + ["none"]
        p = np.column_stack([r.clp_nomination_probability,
                             1 - r.clp_nomination_probability.sum(axis=1)])
        counts = np.column_stack([r.clp_nominations,
                                  RUNS - r.clp_nominations.sum(axis=1)])
        idx = [r.clps.index(c) for c, _ in self.rows]
        y = np.array([ids.index(w) for _, w in self.rows])
        onehot = np.eye(len(ids))[y]
        brier = ((p[idx] - onehot) ** 2).sum(axis=1).mean()
        smooth = (counts[idx] + 0.5) / (RUNS + 0.5 * len(ids))
        log = -np.log(smooth[np.arange(len(y)), y]).mean()
        self.assertAlmostEqual(self.score["brier"]["model"], brier, places=12)
        self.assertAlmostEqual(self.score["log"]["model"], log, places=12)
        self.assertEqual(self.score["scored"], len(self.rows))
        self.assertEqual(self.score["not_scored"], len(r.clps) - len(self.rows))
        # Climatology: the observed shares; its skill is 1 - model / climatology.
        clim = np.bincount(y, minlength=len(ids)) / len(y)
        self.assertAlmostEqual(self.score["brier"]["climatology"],
                               ((clim - onehot) ** 2).sum(axis=1).mean(), places=12)
        self.assertAlmostEqual(self.score["brier"]["skill_vs_climatology"],
                               1 - brier / self.score["brier"]["climatology"], places=12)
        # AUC of the left candidate by Mann-Whitney, ties half.
        s_left, hit = p[idx, 0], y == 0
        pos, neg = s_left[hit], s_left[~hit]
        auc = np.mean([(a > b) + 0.5 * (a == b) for a in pos for b in neg])
        self.assertAlmostEqual(self.score["outcomes"][0]["auc"]["auc"], auc, places=12)
        self.assertEqual([o["id"] for o in self.score["outcomes"]], ids)

    def test_reliability_and_national_totals_are_consistent(self):
        for o in self.score["outcomes"]:
            bins = o["reliability"]
            self.assertEqual(len(bins), 10)
            self.assertEqual(sum(b["count"] for b in bins), len(self.rows))
            self.assertEqual(sum(b["observed"] for b in bins), o["observed"])
            n = o["national"]
            self.assertLessEqual(n["q05"], n["mean"])
            self.assertLessEqual(n["mean"], n["q95"])
            self.assertEqual(n["inside_90"], n["q05"] <= n["observed"] <= n["q95"])

    def test_deterministic_and_writes_the_folder(self):
        out = os.path.join(self.tmp.name, "out")
        again = leadsim.score(TOY, self.observed, runs=RUNS, seed=2, threads=1, out=out)
        self.assertEqual(again, self.score)
        for f in ["score.json", "reliability.svg", "summary.json", "runs.csv", "clps.csv"]:
            self.assertTrue(os.path.exists(os.path.join(out, f)), f)
        with open(os.path.join(out, "score.json")) as f:
            self.assertEqual(json.load(f), self.score)
        # The toy's generated CLPs are on no map: no map.svg.
        self.assertFalse(os.path.exists(os.path.join(out, "map.svg")))
        self.assertTrue(math.isfinite(self.score["auc_anyone_vs_none"]["auc"]))

    def test_bad_observed_files(self):
        bad = observed_file(self.tmp.name, [("CLP 1", "left"), ("CLP 17x", "rihgt")], "bad.csv")
        with self.assertRaises(leadsim.ScenarioError) as e:
            leadsim.score(self.s, bad, runs=5)
        messages = [d.message for d in e.exception.diagnostics]
        self.assertTrue(any("did you mean 'CLP 17'" in m for m in messages), messages)
        self.assertTrue(any("did you mean 'right'" in m for m in messages), messages)
        self.assertEqual(e.exception.diagnostics[0].line, 3)
        with self.assertRaises(ValueError):
            leadsim.score(self.s, self.observed, runs=0)
        with self.assertRaises(ValueError):
            leadsim.score(self.s, self.observed, runs=5, map_candidate="nobody")

    def test_docstring(self):
        self.assertIn("observed", leadsim.score.__doc__)
        self.assertIn("in-sample", leadsim.score.__doc__)


if __name__ == "__main__":
    unittest.main()
