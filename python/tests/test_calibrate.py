"""leadsim.calibrate and leadsim.target: the dicts they return agree with their files and with
the command's, the posterior sits where the data put it, and a bad spec raises ScenarioError."""

import json
import os
import tempfile
import unittest

import numpy as np

import leadsim
from support import TOY

CALIBRATION = """[calibration]
particles = 16
runs = 4
generations = 3
seed = 9
[calibration.parameters]
"factions.radical.mobilisation" = { prior = "log_uniform", min = 0.5, max = 6 }
[calibration.targets]
nominations_left = { observed = 10, scale = 1 }
"""

TARGET = """[target]
parameter = "factions.radical.mobilisation"
min = 0.5
max = 6
precision = 0.5
probability = 0.8
runs = 50
max_runs = 300
seed = 3
[target.outcome]
kind = "nominations_at_least"
candidate = "left"
count = 9
"""


def spec(folder, text, name):
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        f.write(text)
    return path


class CalibrateTest(unittest.TestCase):
    def test_posterior_and_files(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "cal")
            r = leadsim.calibrate(TOY, spec(d, CALIBRATION, "c.toml"), threads=2, out=out)
            theta = r["particles"]["factions.radical.mobilisation"]
            w = r["weights"]
            self.assertEqual(theta.shape, (16,))
            self.assertAlmostEqual(float(np.sum(w)), 1.0, places=9)
            self.assertEqual(len(r["generations"]), 3)
            # The weighted mean in the dict is the arrays' weighted mean.
            self.assertAlmostEqual(r["posterior"][0]["mean"], float(np.sum(w * theta)), places=9)
            # Its file says the same, and the calibrated scenario loads with its 16 particles.
            with open(os.path.join(out, "calibration.json")) as f:
                self.assertEqual(json.load(f)["posterior"], r["posterior"])
            leadsim.load(os.path.join(out, "calibrated.toml"))
            # One thread gives the same numbers.
            again = leadsim.calibrate(TOY, spec(d, CALIBRATION, "c.toml"), threads=1)
            np.testing.assert_array_equal(again["particles"]["factions.radical.mobilisation"], theta)

    def test_resume(self):
        # resume=True on a finished folder: nothing left to fit, the same numbers and files; a
        # resume against another spec is refused, naming what differs; resume needs out=.
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "cal")
            path = spec(d, CALIBRATION, "c.toml")
            first = leadsim.calibrate(TOY, path, threads=2, out=out)
            with open(os.path.join(out, "calibration.json")) as f:
                before = f.read()
            again = leadsim.calibrate(TOY, path, threads=2, out=out, resume=True)
            np.testing.assert_array_equal(again["particles"]["factions.radical.mobilisation"],
                                          first["particles"]["factions.radical.mobilisation"])
            self.assertEqual(again["runs"], first["runs"])
            with open(os.path.join(out, "calibration.json")) as f:
                self.assertEqual(f.read(), before)
            other = spec(d, CALIBRATION.replace("seed = 9", "seed = 10"), "other.toml")
            with self.assertRaises(leadsim.ScenarioError) as e:
                leadsim.calibrate(TOY, other, out=out, resume=True)
            self.assertIn("the calibration spec differs", str(e.exception))
            with self.assertRaises(ValueError):
                leadsim.calibrate(TOY, path, resume=True)

    def test_per_clp_outcomes(self):
        # A file of per-CLP nominations becomes targets (here one per outcome over all its CLPs),
        # named in checks.csv; calibration.json names the file and its SHA-256.
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "outcomes.csv"), "w") as f:
                f.write("clp,nominated\n")
                for i in range(1, 21):
                    f.write(f"CLP {i},{'left' if i <= 9 else 'right' if i <= 17 else 'none'}\n")
            text = CALIBRATION.replace(
                "[calibration.targets]\nnominations_left = { observed = 10, scale = 1 }\n",
                '[calibration.outcomes]\nfile = "outcomes.csv"\nby = "all"\n')
            out = os.path.join(d, "cal")
            r = leadsim.calibrate(TOY, spec(d, text, "c.toml"), threads=2, out=out)
            self.assertEqual(r["outcomes"]["by"], "all")
            self.assertEqual(len(r["outcomes"]["sha256"]), 64)
            with open(os.path.join(out, "checks.csv")) as f:
                rows = [line.split(",") for line in f.read().splitlines()[1:]]
            self.assertEqual([(row[0], row[1]) for row in rows],
                             [("all_all_left", "9"), ("all_all_right", "8"), ("all_all_none", "3")])

    def test_bad_spec_raises(self):
        with tempfile.TemporaryDirectory() as d:
            bad = CALIBRATION.replace("factions.radical.mobilisation", "factions.radical.mobilsation")
            with self.assertRaises(leadsim.ScenarioError) as e:
                leadsim.calibrate(TOY, spec(d, bad, "c.toml"))
            self.assertIn("did you mean", str(e.exception))


class TargetTest(unittest.TestCase):
    def test_answer_and_file(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "t")
            r = leadsim.target(TOY, spec(d, TARGET, "t.toml"), out=out)
            self.assertTrue(r["found"])
            lo, hi = r["interval"]
            self.assertLessEqual(hi - lo, 0.5)
            self.assertEqual(r["answer"], hi)
            self.assertEqual(sum(p["runs"] for p in r["probes"]), r["runs"])
            with open(os.path.join(out, "target.json")) as f:
                self.assertEqual(json.load(f)["answer"], r["answer"])


if __name__ == "__main__":
    unittest.main()
