"""Write examples/survey.csv, the survey export the README's batch session screens.

200 generated records (screener.generate, fixed seed) with respondent ids P0001...,
plus what a real export holds: two rows with a typing error (age 200), one of them also
reporting a red flag, and a few people who skipped the urgent check. Re-run after a
change of the question bank, then update the README's batch session from its output:

    uv run python scripts/make_example_survey.py
"""

from __future__ import annotations

import os
from pathlib import Path

from screener.authoring.generate import answer_sets
from screener.batch import write_input
from screener.ruleset.loading import load_ruleset

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ruleset = load_ruleset()
    records = answer_sets(ruleset, 200, seed=2025)
    for number, record in enumerate(records, 1):
        record["respondent_id"] = f"P{number:04d}"
        record.pop("screened_on", None)  # the run's --today dates them
    records[10]["age_years"] = 200  # row 11: a typing error
    records[56]["age_years"] = 200  # row 57: a typing error ...
    records[56]["red_flags_now"] = ["chest_pain"]  # ... by someone reporting chest pain
    for index in (20, 77, 140):  # three people skipped the urgent check
        records[index].pop("red_flags_now", None)
    target = ROOT / "examples" / "survey.csv"
    if target.exists():
        os.remove(target)
    write_input(target, records, ruleset)
    target.chmod(0o644)  # shipped with the project: readable by anyone
    print(f"wrote {target.relative_to(ROOT)} ({len(records)} records)")


if __name__ == "__main__":
    main()
