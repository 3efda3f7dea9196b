"""The README's example (python/examples/entryism_wave.py) runs and answers its question."""

import os
import subprocess
import sys
import unittest

from support import SOURCE_DIR

EXAMPLE = os.path.join(SOURCE_DIR, "python", "examples", "entryism_wave.py")


class ExampleTest(unittest.TestCase):
    def test_quick_run(self):
        out = subprocess.run([sys.executable, EXAMPLE, "--quick"], capture_output=True,
                             text=True, timeout=600, env=os.environ.copy())
        self.assertEqual(out.returncode, 0, out.stderr)
        lines = out.stdout.splitlines()
        self.assertIn("organised wave of 'moderate' joiners for Owen Smith", lines[0])
        # The header and two rows of the 2 x 2 grid, each with two probabilities.
        rows = [l for l in lines if "[" in l and l.split()[0] in ("5", "20")]
        self.assertEqual(len(rows), 2, out.stdout)
        for row in rows:
            probs = [float(x) for x in row.split()[1::2]]
            self.assertEqual(len(probs), 2, row)
            self.assertTrue(all(0 <= p <= 1 for p in probs), row)
        self.assertIn("Smallest wave for P >= 90%", out.stdout)
        answers = [l for l in lines if l.strip().startswith(("5 targets:", "20 targets:"))]
        self.assertEqual(len(answers), 2, out.stdout)


if __name__ == "__main__":
    unittest.main()
