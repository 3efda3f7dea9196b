"""leadsim.Scenario and leadsim.load: loading, overrides of every value type, errors with their
file and line, and docstrings on the whole public API."""

import datetime
import glob
import os
import unittest

import numpy as np

import leadsim
from support import BROKEN, TOY, entryist_wave


class LoadTest(unittest.TestCase):
    def test_loads_the_toy_scenario(self):
        s = leadsim.load(TOY)
        self.assertEqual(s.name, "Toy contest")
        self.assertEqual(s.candidates, ["left", "right"])
        self.assertEqual(s.candidate_names, ["Left Candidate", "Right Candidate"])
        self.assertEqual(len(s.clps), 20)
        self.assertEqual(s.agents, 24000)
        self.assertEqual(s.waves, ["old", "new", "supporters", "unions"])
        self.assertEqual(s.factions, ["radical", "moderate"])
        self.assertTrue(s.question)
        self.assertEqual(s.overrides, {})
        self.assertIn("Toy contest", repr(s))

    def test_constructor_and_load_agree(self):
        a = leadsim.Scenario(TOY, set={"meetings.attendance": 0.1})
        b = leadsim.load(TOY, meetings__attendance=0.1)
        c = leadsim.load(TOY, set={"meetings.attendance": 0.1})
        for s in (a, b, c):
            self.assertEqual(s.get("meetings.attendance"), 0.1)
            self.assertEqual(s.overrides, {"meetings.attendance": 0.1})

    def test_set_returns_a_new_scenario(self):
        s = leadsim.load(TOY)
        t = s.set("meetings.meet", 0.3)
        self.assertEqual(s.get("meetings.meet"), 0.8)
        self.assertEqual(t.get("meetings.meet"), 0.3)
        # A later value for the same path replaces the earlier one.
        u = t.set("meetings.meet", 0.4)
        self.assertEqual(u.overrides, {"meetings.meet": 0.4})
        v = u.set({"meetings.speakers": 2, "meetings.tie_break": "lot"})
        self.assertEqual(v.get("meetings.speakers"), 2)
        self.assertEqual(v.get("meetings.tie_break"), "lot")
        self.assertEqual(len(v.overrides), 3)

    def test_values_of_every_type(self):
        s = leadsim.load(TOY, set={
            "mps.support": {"left": 0.5, "right": 0.5},           # share table
            "eligibility.member_ballot_freeze": datetime.date(2020, 3, 1),
            "eligibility.require_good_standing": False,
            "meetings.quorum": np.int64(5),                       # numpy scalars
            "meetings.chair_bias": np.float32(0.25),
            "contest.name": 'A "quoted" name\\with a backslash',
        })
        self.assertEqual(s.get("mps.support"), {"left": 0.5, "right": 0.5, "none": 0})
        self.assertEqual(s.get("eligibility.member_ballot_freeze"), datetime.date(2020, 3, 1))
        self.assertIs(s.get("eligibility.require_good_standing"), False)
        self.assertEqual(s.get("meetings.quorum"), 5)
        self.assertEqual(s.get("meetings.chair_bias"), 0.25)
        self.assertEqual(s.name, 'A "quoted" name\\with a backslash')
        self.assertIn("meetings.quorum", s.parameters)

    def test_typed_get_round_trips_quotes_and_backslashes(self):
        # The loader prints strings escaped (toml_text.hpp); get() reads them back as they were.
        name = 'He said "no" \\ then \\"yes\\"\n\ttab, \u00e9 and \x01'
        s = leadsim.load(TOY, set={"contest.name": name})
        self.assertEqual(s.name, name)
        self.assertEqual(s.get("contest.name"), name)
        self.assertEqual(s.overrides["contest.name"], name)
        # And back again: the value read is a valid override giving the same scenario.
        t = leadsim.load(TOY, set={"contest.name": s.get("contest.name")})
        self.assertEqual(t.get("contest.name"), name)

    def test_get_types_by_field_kind(self):
        s = leadsim.load(TOY)
        p = s.parameters
        # A number whose value is whole is still a float; whole numbers are ints.
        self.assertIsInstance(s.get("meetings.meet"), float)
        self.assertIsInstance(s.set("meetings.meet", 1).get("meetings.meet"), float)
        self.assertIsInstance(s.get("meetings.quorum"), int)
        self.assertIsInstance(s.get("eligibility.require_good_standing"), bool)
        self.assertIsInstance(s.get("meetings.tie_break"), str)
        self.assertIsInstance(s.get("eligibility.member_ballot_freeze"), datetime.date)
        self.assertEqual(s.get("candidates.left.position"), [-0.8, 0.0])
        self.assertTrue(all(isinstance(x, float) for x in s.get("candidates.left.position")))
        moved = s.set("candidates.left.position", np.array([-0.5, 0.25]))  # a numpy array
        self.assertEqual(moved.get("candidates.left.position"), [-0.5, 0.25])
        support = s.get("mps.support")
        self.assertIsInstance(support, dict)
        self.assertTrue(all(isinstance(x, float) for x in support.values()))
        self.assertEqual(list(support), ["left", "right", "none"])  # in the candidates' order
        self.assertIsInstance(s.get("rules.stages"), list)
        self.assertTrue(all(isinstance(x, str) for x in s.get("rules.stages")))
        self.assertEqual(len(p), len(set(p)))
        # Every value in force reads back, and each is accepted as an override of itself.
        again = s.set({k: v for k, v in p.items() if k.startswith(("meetings.", "mps."))})
        for k, v in again.parameters.items():
            self.assertEqual(v, p[k], k)

    def test_every_scenario_reads_back(self):
        for path in sorted(glob.glob(os.path.join(os.path.dirname(TOY), "*.toml"))):
            params = leadsim.load(path).parameters
            self.assertTrue(params, path)

    def test_new_wave_from_overrides(self):
        s = leadsim.load(TOY, set=entryist_wave(1000, targets=3))
        self.assertEqual(s.waves[-1], "entry")
        self.assertEqual(s.agents, 25000)
        targets = s.wave_targets("entry", seed=1)
        self.assertEqual(len(set(targets)), 3)
        self.assertTrue(all(0 <= t < len(s.clps) for t in targets))
        self.assertEqual(s.wave_targets("old"), [])  # proportional: no targets
        # Random targets are drawn from the seed.
        self.assertNotEqual(
            [s.wave_targets("entry", seed=k) for k in range(1, 6)],
            [targets] * 5)

    def test_lookups(self):
        s = leadsim.load(TOY)
        self.assertEqual(s.candidate_index("right"), 1)
        self.assertEqual(s.clp_index("CLP 3"), 2)
        with self.assertRaises(KeyError):
            s.candidate_index("centre")
        with self.assertRaises(KeyError):
            s.clp_index("Nowhere")
        with self.assertRaises(KeyError):
            s.get("meetings.nothing")
        with self.assertRaises(KeyError):
            s.wave_targets("nobody")


class ErrorTest(unittest.TestCase):
    def test_error_in_a_file_has_its_line(self):
        path = os.path.join(BROKEN, "unknown_key_typo.toml")
        with self.assertRaises(leadsim.ScenarioError) as caught:
            leadsim.load(path)
        e = caught.exception
        self.assertIsInstance(e, ValueError)
        self.assertTrue(e.file.endswith("unknown_key_typo.toml"), e.file)
        self.assertEqual(e.line, 5)
        self.assertGreater(e.column, 0)
        self.assertIn("did you mean 'attendance'", e.message)
        self.assertEqual(len(e.diagnostics), 1)
        d = e.diagnostics[0]
        self.assertEqual((d.file, d.line, d.column, d.message), (e.file, e.line, e.column, e.message))
        self.assertIn("unknown_key_typo.toml:5:", str(e))

    def test_every_problem_is_reported(self):
        with self.assertRaises(leadsim.ScenarioError) as caught:
            leadsim.load(os.path.join(BROKEN, "many_problems.toml"))
        self.assertGreater(len(caught.exception.diagnostics), 1)
        self.assertTrue(all(d.line > 0 for d in caught.exception.diagnostics))

    def test_bad_override(self):
        with self.assertRaises(leadsim.ScenarioError) as caught:
            leadsim.load(TOY, set={"meetings.chair_bias": 3, "meetings.atendance": 0.1})
        messages = [d.message for d in caught.exception.diagnostics]
        self.assertTrue(any("expected a number in [0, 1]" in m for m in messages), messages)
        self.assertTrue(any("did you mean 'attendance'" in m for m in messages), messages)
        self.assertTrue(all(d.file.startswith("--set") for d in caught.exception.diagnostics))
        # set() checks too.
        with self.assertRaises(leadsim.ScenarioError):
            leadsim.load(TOY).set("meetings.meet", -1)

    def test_override_of_an_entry_the_scenario_lacks(self):
        # A mistyped id is an error naming the ids there are, not a new wave.
        with self.assertRaises(leadsim.ScenarioError) as caught:
            leadsim.load(TOY).set("waves.neww.size", 10)
        e = caught.exception
        self.assertEqual(e.file, "--set waves.neww.size")
        self.assertIn("no wave 'neww' in the scenario (its waves: old, new, supporters, unions)",
                      e.message)

    def test_missing_file(self):
        with self.assertRaises(leadsim.ScenarioError) as caught:
            leadsim.load("/nonexistent/contest.toml")
        self.assertIn("contest.toml", str(caught.exception))

    def test_unsupported_value_type(self):
        with self.assertRaises(TypeError) as caught:
            leadsim.load(TOY, set={"meetings.meet": object()})
        self.assertIn("meetings.meet", str(caught.exception))


class DocstringTest(unittest.TestCase):
    def test_everything_public_has_a_docstring(self):
        self.assertIn("Example", leadsim.__doc__)
        missing = []
        for name in dir(leadsim):
            if name.startswith("_"):
                continue
            obj = getattr(leadsim, name)
            if not (obj.__doc__ or "").strip():
                missing.append(name)
            if isinstance(obj, type):
                for member, value in vars(obj).items():
                    if member.startswith("_"):
                        continue
                    if not (getattr(value, "__doc__", None) or "").strip():
                        missing.append(f"{name}.{member}")
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()
