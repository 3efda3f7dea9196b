"""leadsim.target with a placement spec: the dict agrees with its files, the curves come back as
arrays of the right shape, non-decreasing, and the placement stays within its budget."""

import json
import os
import tempfile
import unittest

import numpy as np

import leadsim
from support import TOY

PLACEMENT = """[placement]
wave = "new"
candidate = "right"
budget = 200
step = 25
max_per_clp = 75
runs = 30
seed = 2
set = ["waves.new.factions={ moderate = 1.0 }", "waves.new.joined_to=2020-01-20"]
"""


class PlacementTest(unittest.TestCase):
    def test_placement_and_files(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "p.toml")
            with open(path, "w") as f:
                f.write(PLACEMENT)
            out = os.path.join(d, "out")
            r = leadsim.target(TOY, path, out=out)
            self.assertEqual(r["levels"], [0, 25, 50, 75])
            self.assertLessEqual(r["spent"], 200)
            self.assertEqual(r["spent"], sum(c["joiners"] for c in r["chosen"]))
            p, joiners = r["curve_p"], r["curve_joiners"]
            self.assertEqual(p.shape, (len(r["curve_clps"]), 4))
            self.assertTrue((np.diff(p, axis=1) >= 0).all())        # isotonic
            self.assertTrue((joiners[:, 0] == 0).all())
            self.assertEqual(int(joiners[:, 3].sum()), 75 * len(r["curve_clps"]))
            with open(os.path.join(out, "placement.json")) as f:
                self.assertEqual(json.load(f)["held_out_gain"], r["held_out_gain"])
            for name in ("placement.csv", "curves.csv"):
                self.assertTrue(os.path.exists(os.path.join(out, name)))


if __name__ == "__main__":
    unittest.main()
