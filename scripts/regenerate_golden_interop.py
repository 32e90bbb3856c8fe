"""Regenerate the golden form exports in tests/golden/interop/.

    .venv/bin/python scripts/regenerate_golden_interop.py

Writes the REDCap data dictionary, the XLSForm as a readable text dump (one CSV block per
sheet) and the FHIR Questionnaire in R4 and R5, all generated from the shipped question
bank. tests/test_interop_forms.py compares fresh exports with these files, so a change
to the question bank or an exporter shows up as a reviewable diff. Run this after an
intended change and commit the files with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "interop"


def golden_outputs() -> dict[str, str]:
    """{file name: text} for every export."""
    sys.path.insert(0, str(ROOT))
    from screener.interop import fhir_questionnaire, redcap, xlsform
    from screener.ruleset.loading import load_ruleset

    ruleset = load_ruleset()
    book, _ = xlsform.sheets(ruleset)
    return {
        "redcap_dictionary.csv": redcap.render_dictionary(ruleset)[0],
        "xlsform.txt": xlsform.dump(book),
        "questionnaire.R4.json": fhir_questionnaire.render_questionnaire(ruleset, "R4")[0],
        "questionnaire.R5.json": fhir_questionnaire.render_questionnaire(ruleset, "R5")[0],
    }


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, text in golden_outputs().items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
