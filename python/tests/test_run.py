"""leadsim.run: numpy shapes and dtypes, consistency between the arrays, determinism (same seed,
any thread count), overrides moving results the expected way, per_run_clps, to_dict, the GIL
released while running, and Ctrl-C stopping a run."""

import _thread
import threading
import time
import unittest

import numpy as np

import leadsim
from support import TOY, entryist_wave

RUNS = 120


class ShapesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s = leadsim.load(TOY)
        cls.r = leadsim.run(cls.s, runs=RUNS, seed=3, threads=2)

    def test_shapes_and_dtypes(self):
        r, C, K, R, S = self.r, 2, 20, RUNS, len(self.r.sections)
        expected = {
            "winner": ((R,), np.int32), "winner_by_lot": ((R,), np.bool_),
            "rounds": ((R,), np.int32), "on_ballot": ((R, C), np.bool_),
            "unopposed": ((R,), np.bool_), "mp_rounds": ((R,), np.int32),
            "out_at_stage": ((R, C), np.int32), "mp_ballot_first": ((R, C), np.int32),
            "mp_out_round": ((R, C), np.int32),
            "share": ((R, C), np.float64), "first_share": ((R, S, C), np.float64),
            "nominations": ((R, C), np.int32), "meeting_votes": ((R, C), np.int64),
            "mp_nominations": ((R, C), np.int32), "affiliate_nominations": ((R, C), np.int32),
            "eliminated_round": ((R, C), np.int32), "meetings_held": ((R,), np.int32),
            "meetings_quorate": ((R,), np.int32), "meetings_general_committee": ((R,), np.int32),
            "meeting_attendance": ((R,), np.int64), "meeting_eligible": ((R,), np.int64),
            "attendance_rate": ((R,), np.float64), "turnout": ((R, S), np.float64),
            "clp_nominee": ((R, K), np.int8), "clp_met": ((R, K), np.bool_),
            "clp_attendance": ((R, K), np.int32), "clp_votes": ((R, K, C), np.int32),
            "clp_nominations": ((K, C), np.int64),
            "clp_nomination_probability": ((K, C), np.float64),
            "clp_met_probability": ((K,), np.float64),
        }
        # Exactly these arrays (the library's run fields but `run`, and the per-CLP ones).
        arrays = {k for k, v in r.to_dict().items() if isinstance(v, np.ndarray)}
        self.assertEqual(arrays, set(expected))
        for name, (shape, dtype) in expected.items():
            a = getattr(r, name)
            self.assertIsInstance(a, np.ndarray, name)
            self.assertEqual(a.shape, shape, name)
            self.assertEqual(a.dtype, dtype, name)
        self.assertEqual(r.candidates, ["left", "right"])
        self.assertEqual(r.sections[:3], ["member", "registered", "affiliated"])
        self.assertIn("final_ballot", r.stages)
        self.assertTrue(np.all(r.out_at_stage < len(r.stages)))
        self.assertEqual(len(r.clps), K)
        self.assertEqual((r.runs, r.seed), (RUNS, 3))

    def test_arrays_agree_with_each_other(self):
        r = self.r
        # CLP nominations per run are the per-CLP nominees counted.
        for c in range(2):
            np.testing.assert_array_equal(r.nominations[:, c], (r.clp_nominee == c).sum(axis=1))
            np.testing.assert_array_equal(r.clp_nominations[:, c], (r.clp_nominee == c).sum(axis=0))
        np.testing.assert_array_equal(r.meetings_held, r.clp_met.sum(axis=1))
        np.testing.assert_allclose(r.clp_met_probability, r.clp_met.mean(axis=0))
        np.testing.assert_allclose(r.clp_nomination_probability, r.clp_nominations / RUNS)
        self.assertTrue(np.all(r.clp_nominee[~r.clp_met] == -1))
        self.assertEqual(int(r.clp_attendance.sum()), int(r.meeting_attendance.sum()))
        np.testing.assert_array_equal(r.clp_votes.sum(axis=1), r.meeting_votes)
        self.assertFalse(r.clp_votes[~r.clp_met].any())
        # The winner has the largest final share; win probabilities are the winners counted.
        decided = r.winner >= 0
        np.testing.assert_array_equal(r.winner[decided], r.share[decided].argmax(axis=1))
        for c, cid in enumerate(r.candidates):
            w = r.win_probability[cid]
            self.assertAlmostEqual(w["p"], float(np.mean(r.winner == c)))
            self.assertLessEqual(w["lo"], w["p"])
            self.assertGreaterEqual(w["hi"], w["p"])
        np.testing.assert_allclose(r.share.sum(axis=1)[decided], 1.0, atol=1e-9)
        self.assertTrue(np.all((r.turnout >= 0) & (r.turnout <= 1)))

    def test_to_dict(self):
        d = self.r.to_dict()
        for key in ("winner", "share", "clp_nominee", "win_probability", "candidates", "runs",
                    "seed", "clp_nomination_probability"):
            self.assertIn(key, d)
        self.assertIs(d["share"], self.r.share)
        self.assertIn("runs", repr(self.r))


class DeterminismTest(unittest.TestCase):
    def test_same_seed_same_arrays_any_thread_count(self):
        s = leadsim.load(TOY)
        a = leadsim.run(s, runs=60, seed=5, threads=1).to_dict()
        b = leadsim.run(s, runs=60, seed=5, threads=2).to_dict()
        for key, value in a.items():
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(value, b[key], err_msg=key)
        c = leadsim.run(s, runs=60, seed=6).to_dict()
        self.assertFalse(np.array_equal(a["share"], c["share"]))


class OverridesTest(unittest.TestCase):
    def test_bigger_entryist_wave_wins_more_of_its_targets(self):
        # 5 and 50 organised people in each of 4 target CLPs (of about 1,200 members each).
        small = leadsim.load(TOY, set=entryist_wave(20))
        large = small.set("waves.entry.size", 200)
        targets = small.wave_targets("entry", seed=1)
        self.assertEqual(targets, large.wave_targets("entry", seed=1))
        right = small.candidate_index("right")
        won = []
        for s in (small, large):
            r = leadsim.run(s, runs=RUNS, seed=1)
            won.append((r.clp_nominee[:, targets] == right).sum(axis=1))
        # Per-run counts of targets won: the larger wave clearly ahead (4 standard errors).
        diff = won[1].mean() - won[0].mean()
        se = np.sqrt(won[0].var() / RUNS + won[1].var() / RUNS)
        self.assertGreater(diff, 4 * se, (won[0].mean(), won[1].mean()))

    def test_no_meetings_no_nominations(self):
        r = leadsim.run(leadsim.load(TOY, meetings__meet=0.0), runs=20)
        self.assertEqual(int(r.nominations.sum()), 0)
        self.assertFalse(r.clp_met.any())

    def test_bad_arguments(self):
        s = leadsim.load(TOY)
        with self.assertRaises(ValueError):
            leadsim.run(s, runs=0)
        with self.assertRaises(ValueError):
            leadsim.run(s, runs=10, threads=-1)

    def test_per_run_clps_off(self):
        s = leadsim.load(TOY)
        full = leadsim.run(s, runs=30, seed=2)
        lean = leadsim.run(s, runs=30, seed=2, per_run_clps=False)
        self.assertIsNone(lean.clp_nominee)
        self.assertIsNone(lean.clp_met)
        self.assertIsNone(lean.clp_votes)
        np.testing.assert_array_equal(full.clp_nominations, lean.clp_nominations)
        np.testing.assert_array_equal(full.share, lean.share)


class ThreadingTest(unittest.TestCase):
    def test_other_python_threads_run_meanwhile(self):
        s = leadsim.load(TOY)
        ticks = 0
        worker = threading.Thread(target=leadsim.run, args=(s,), kwargs={"runs": 400})
        worker.start()
        while worker.is_alive():
            ticks += 1
            time.sleep(0.001)
        worker.join()
        # With the GIL held for the whole run this thread would tick about once.
        self.assertGreater(ticks, 20)

    def test_ctrl_c_stops_a_run(self):
        s = leadsim.load(TOY)
        timer = threading.Timer(0.3, _thread.interrupt_main)
        start = time.time()
        timer.start()
        try:
            with self.assertRaises(KeyboardInterrupt):
                leadsim.run(s, runs=1_000_000)  # about 20 minutes if not stopped
        finally:
            timer.cancel()
        self.assertLess(time.time() - start, 30)


if __name__ == "__main__":
    unittest.main()
