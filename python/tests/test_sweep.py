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
            for name in ("win_left", "share_right", "nominations_right"):
                np.testing.assert_array_equal(resumed[name], whole[name])
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
