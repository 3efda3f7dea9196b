"""leadsim.sweep: the sweep engine from Python: the points table as numpy columns, agreement with
leadsim.run at a point, determinism, output folders (resumable, readable by `leadsim
sensitivity`), and bad input."""

import _thread
import datetime
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import numpy as np

import leadsim
from support import TOY

BINARY = os.environ.get("LEADSIM_BINARY")


class SweepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = leadsim.load(TOY)
        cls.grid = leadsim.sweep(cls.s, {"meetings.meet": (0.2, 1.0),
                                         "meetings.tie_break": ["chair", "lot"]},
                                 design="grid", levels=3, runs=20, seed=2)

    def test_columns(self):
        g = self.grid
        self.assertEqual(len(g["point"]), 6)
        np.testing.assert_array_equal(g["point"], np.arange(6))
        np.testing.assert_allclose(g["meetings.meet"], [0.2, 0.2, 0.6, 0.6, 1.0, 1.0])
        self.assertEqual(list(g["meetings.tie_break"]), ["chair", "lot"] * 3)
        for name in ("seed", "runs", "win_left", "win_left_lo", "share_right_se",
                     "nominations_right", "nominations_right_hi"):
            self.assertIn(name, g)
        self.assertEqual(g["runs"].dtype, np.int64)
        self.assertEqual(g["nominations_right"].dtype, np.float64)
        np.testing.assert_array_equal(g["runs"], 20)
        # More meetings, more nominations.
        self.assertTrue(np.all(np.diff(g["nominations_right"][::2]) > 0))

    def test_a_point_is_leadsim_run_of_its_scenario(self):
        r = leadsim.run(self.s.set({"meetings.meet": 0.6, "meetings.tie_break": "lot"}),
                        runs=20, seed=2)
        point = 3
        self.assertEqual(self.grid["seed"][point], 2)
        for c, cid in enumerate(r.candidates):
            self.assertAlmostEqual(self.grid[f"nominations_{cid}"][point],
                                   r.nominations[:, c].mean(), places=6)
            self.assertAlmostEqual(self.grid[f"share_{cid}"][point], r.share[:, c].mean(),
                                   places=6)
            self.assertAlmostEqual(self.grid[f"win_{cid}"][point], r.win_probability[cid]["p"],
                                   places=6)

    def test_deterministic(self):
        again = leadsim.sweep(self.s, {"meetings.meet": (0.2, 1.0),
                                       "meetings.tie_break": ["chair", "lot"]},
                              design="grid", levels=3, runs=20, seed=2, threads=1)
        for k, v in self.grid.items():
            np.testing.assert_array_equal(v, again[k], err_msg=k)

    def test_date_range_and_overrides(self):
        s = self.s.set("meetings.quorum", 5)
        d = leadsim.sweep(s, {"eligibility.member_ballot_freeze":
                              (datetime.date(2020, 1, 1), datetime.date(2020, 3, 1))},
                          design="latin", points=4, runs=5)
        self.assertEqual(len(d["point"]), 4)
        days = sorted(d["eligibility.member_ballot_freeze"])
        self.assertTrue(all(x.startswith("2020-0") for x in days), days)

    def test_folder_resume_and_sensitivity(self):
        out = tempfile.mkdtemp(prefix="leadsim-py-sweep-")
        try:
            params = {"meetings.meet": (0.2, 1.0), "meetings.chair_bias": (0.0, 1.0)}
            first = leadsim.sweep(self.s, params, design="saltelli", points=8, runs=5, out=out)
            self.assertEqual(len(first["point"]), 8 * (2 + 2))
            self.assertEqual(set(first["saltelli_matrix"]), {"A", "B", "AB1", "AB2"})
            for name in ("points.csv", "runs.csv", "sweep.json"):
                self.assertTrue(os.path.exists(os.path.join(out, name)), name)
            # A finished folder: resuming computes nothing and gives the same table.
            again = leadsim.sweep(self.s, params, design="saltelli", points=8, runs=5, out=out,
                                  resume=True)
            np.testing.assert_array_equal(first["nominations_right"], again["nominations_right"])
            # Resuming against another spec is refused, naming what differs.
            with self.assertRaises(leadsim.ScenarioError) as caught:
                leadsim.sweep(self.s, params, design="saltelli", points=8, runs=6, out=out,
                              resume=True)
            self.assertIn("spec differs", str(caught.exception))
            if BINARY:
                r = subprocess.run([BINARY, "sensitivity", out, "--bootstrap", "100"],
                                   capture_output=True, text=True, timeout=120)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("meetings.meet", r.stdout)
                self.assertTrue(os.path.exists(os.path.join(out, "sensitivity.csv")))
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def test_ctrl_c_stops_a_sweep_that_then_resumes(self):
        params = {"meetings.meet": (0.2, 1.0), "meetings.attendance": (0.02, 0.1)}
        kwargs = dict(design="latin", points=60, runs=200, seed=3)
        out = tempfile.mkdtemp(prefix="leadsim-py-sweep-")
        try:
            timer = threading.Timer(0.3, _thread.interrupt_main)
            start = time.time()
            timer.start()
            try:
                with self.assertRaises(KeyboardInterrupt):
                    leadsim.sweep(self.s, params, out=out, **kwargs)
            finally:
                timer.cancel()
            self.assertLess(time.time() - start, 30)
            # Stopped part-way: no finished tables yet, but what was done is kept for --resume.
            self.assertFalse(os.path.exists(os.path.join(out, "points.csv")))
            resumed = leadsim.sweep(self.s, params, out=out, resume=True, **kwargs)
            whole = leadsim.sweep(self.s, params, **kwargs)
            self.assertEqual(len(resumed["point"]), 60)
            self.assertEqual(list(resumed), list(whole))
            for name, column in whole.items():
                self.assertEqual(column.dtype, resumed[name].dtype, name)
                np.testing.assert_array_equal(resumed[name], column, err_msg=name)
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def test_column_dtypes(self):
        d = leadsim.sweep(self.s, {"meetings.meet": (0.2, 1.0),
                                   "meetings.quorum": (2, 6),
                                   "meetings.tie_break": ["chair", "lot"],
                                   "eligibility.require_good_standing": [True, False],
                                   "eligibility.member_ballot_freeze":
                                       (datetime.date(2020, 1, 1), datetime.date(2020, 3, 1))},
                          design="latin", points=6, runs=3, seed=4)
        expected = {"point": np.int64, "meetings.meet": np.float64, "meetings.quorum": np.int64,
                    "eligibility.require_good_standing": np.bool_, "seed": np.uint64,
                    "runs": np.int64}
        for cid in self.s.candidates:
            for name in ("win_{}", "win_{}_lo", "win_{}_hi", "share_{}", "share_{}_se",
                         "share_{}_lo", "share_{}_hi", "nominations_{}", "nominations_{}_se",
                         "nominations_{}_lo", "nominations_{}_hi"):
                expected[name.format(cid)] = np.float64
        for name, dtype in expected.items():
            self.assertEqual(d[name].dtype, dtype, name)
            self.assertEqual(d[name].shape, (6,), name)
        for name in ("meetings.tie_break", "eligibility.member_ballot_freeze"):
            self.assertEqual(d[name].dtype.kind, "U", name)
        self.assertTrue(set(d["meetings.tie_break"]) <= {"chair", "lot"})
        self.assertTrue(np.all((d["meetings.quorum"] >= 2) & (d["meetings.quorum"] <= 6)))
        # Every column of points.csv, nothing else, in its order.
        names = ["point", "meetings.meet", "meetings.quorum", "meetings.tie_break",
                 "eligibility.require_good_standing", "eligibility.member_ballot_freeze", "seed"]
        self.assertEqual(list(d)[:len(names)], names)
        self.assertEqual(list(d)[-1], "runs")
        self.assertEqual(len(d), len(names) + 1 + 11 * len(self.s.candidates))

    def test_resumed_folder_equals_fresh_sweep(self):
        # Figures of points computed now are rounded as points.csv prints them, so a sweep read
        # back from a finished folder returns the very same arrays (values and dtypes).
        params = {"meetings.meet": (0.2, 1.0), "meetings.chair_bias": (0.0, 1.0),
                  "meetings.tie_break": ["chair", "lot"]}
        kwargs = dict(design="saltelli", points=4, runs=7, seed=9)
        out = tempfile.mkdtemp(prefix="leadsim-py-sweep-")
        try:
            fresh = leadsim.sweep(self.s, params, **kwargs)
            written = leadsim.sweep(self.s, params, out=out, **kwargs)
            resumed = leadsim.sweep(self.s, params, out=out, resume=True, **kwargs)
            for other in (written, resumed):
                self.assertEqual(list(fresh), list(other))
                for k, v in fresh.items():
                    self.assertEqual(v.dtype, other[k].dtype, k)
                    np.testing.assert_array_equal(v, other[k], err_msg=k)
            # The figures are points.csv's: six decimals.
            self.assertTrue(np.all(np.abs(fresh["share_left"] * 1e6 -
                                          np.round(fresh["share_left"] * 1e6)) < 1e-6))
        finally:
            shutil.rmtree(out, ignore_errors=True)

    def test_bad_input(self):
        with self.assertRaises(leadsim.ScenarioError) as caught:
            leadsim.sweep(self.s, {"meetings.atendance": (0.0, 0.1)}, points=4)
        self.assertIn("did you mean", str(caught.exception))
        with self.assertRaises(leadsim.ScenarioError):
            leadsim.sweep(self.s, {"meetings.meet": (0.0, 2.0)}, points=4)  # beyond 1
        with self.assertRaises(ValueError):
            leadsim.sweep(self.s, {"meetings.meet": (0.0, 1.0)}, design="hexagonal", points=4)
        with self.assertRaises(TypeError):
            leadsim.sweep(self.s, {"meetings.meet": 0.5}, points=4)


if __name__ == "__main__":
    unittest.main()
