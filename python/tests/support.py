"""Shared by the Python tests: where the scenarios are, and the toy scenario's organised wave.

CTest sets LEADSIM_SOURCE_DIR and PYTHONPATH (to the build's python/ folder); run by hand:
    PYTHONPATH=build/python python3 -m pytest python/tests
"""

import datetime
import os

SOURCE_DIR = os.environ.get(
    "LEADSIM_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
TOY = os.path.join(SOURCE_DIR, "scenarios", "toy.toml")
BROKEN = os.path.join(SOURCE_DIR, "tests", "broken")


def entryist_wave(size, targets=4, faction="moderate"):
    """Overrides adding an organised wave of one faction (moderates back the 'right'
    candidate) to the toy scenario, concentrated on `targets` random CLPs; they joined before
    the freeze, so they may attend meetings. A new entry is given whole, as one table: a path
    into an entry the scenario lacks ("waves.entry.size") is refused, so a mistyped id is not a
    new wave."""
    return {
        "waves.entry": {
            "size": size,
            "joined_from": datetime.date(2019, 6, 1),
            "joined_to": datetime.date(2019, 12, 31),
            "factions": {faction: 1.0},
            "activism": 3.0,
            "organised": True,
            "target": "random",
            "target_count": targets,
        },
    }
