"""Regenerate the golden report files in tests/golden/reports/.

    .venv/bin/python scripts/regenerate_golden_reports.py

Renders five vignettes (routine, urgent, self_care, same_day with factors held back,
incomplete) in every text format and both views. tests/test_report_golden.py compares
fresh output with these files, so any change to a template, the content model or the
rules shows up as a reviewable diff. Run this after an intended change and commit the
files with it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "reports"
VIGNETTES = ROOT / "tests" / "vignettes"

#: vignette -> the triage it must have (each has a fixed screened_on: stable output)
CASES = {"office-worker-winter": "routine", "cola-urine": "urgent",
         "vitd-one-indicator-supplement": "self_care",
         "v2-kidney-ace-spironolactone-palpitations": "same_day",  # held back: kidney
         "v2-age-missing": "routine"}  # incomplete
FORMATS = {"md": ".md", "html": ".html", "json": ".json", "fhir": ".fhir.json"}
VIEWS = ("person", "clinician")


def golden_outputs():
    """{file name: text} for every case, format and view."""
    sys.path.insert(0, str(ROOT))
    from screener.reports import render
    from screener.ruleset.loading import load_ruleset
    from screener.screening import screen

    ruleset = load_ruleset()
    outputs = {}
    for name, level in CASES.items():
        answers = json.loads((VIGNETTES / f"{name}.json").read_text())["answers"]
        result = screen(answers, ruleset)
        if result.triage != level:
            raise SystemExit(f"{name}: expected triage {level}, got {result.triage}")
        for fmt, suffix in FORMATS.items():
            for view in VIEWS:
                outputs[f"{name}.{view}{suffix}"] = render(result, ruleset, fmt, view)
    return outputs


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    outputs = golden_outputs()
    for old in GOLDEN.iterdir():
        if old.name not in outputs:
            old.unlink()
    changed = 0
    for name, text in sorted(outputs.items()):
        path = GOLDEN / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed += 1
            print(f"updated {path.relative_to(ROOT)}")
    print(f"{len(outputs)} golden files, {changed} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
