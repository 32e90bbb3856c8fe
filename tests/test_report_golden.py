"""Golden files: Markdown, HTML, JSON and FHIR of three vignettes in both views.

After an intended change run `python scripts/regenerate_golden_reports.py` and review
the diff of tests/golden/reports/.
"""

import json

import pytest
from report_helpers import CASES, golden, vignette_answers

from screener.reports import render
from screener.screening import screen


@pytest.fixture(scope="module")
def outputs(ruleset):
    return golden.golden_outputs()


def test_every_case_format_and_view_has_a_golden_file(outputs):
    assert len(outputs) == len(CASES) * len(golden.FORMATS) * len(golden.VIEWS)
    on_disk = {p.name for p in golden.GOLDEN.iterdir()}
    assert on_disk == set(outputs), "run scripts/regenerate_golden_reports.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_matches_golden(outputs, name):
    for file_name, text in outputs.items():
        if file_name.startswith(name + "."):
            expected = (golden.GOLDEN / file_name).read_text(encoding="utf-8")
            assert text == expected, (
                f"{file_name} changed: review it, then run scripts/regenerate_golden_reports.py")


def test_json_report_is_the_screen_json(ruleset):
    """`report --format json` gives the same object as `screen --format json`, both views."""
    for name in CASES:
        result = screen(vignette_answers(name), ruleset)
        for view in ("person", "clinician"):
            assert render(result, ruleset, "json", view) == result.to_json()
        assert json.loads(result.to_json())["triage"] == CASES[name]
