"""No report in any format or view contains dose text (spec principle 2), PDF included."""

import pytest
from conftest import ROOT
from report_helpers import pdf_text, vignette_answers

from screener.authoring.generate import answer_sets
from screener.errors import SafetyError
from screener.reports import FORMATS, VIEWS, get_format, render
from screener.safety import find_unsafe_text
from screener.screening import screen

VIGNETTES = sorted(p.stem for p in (ROOT / "tests" / "vignettes").glob("*.json"))


def _text(fmt, output) -> str:
    return pdf_text(output) if get_format(fmt).BINARY else output


@pytest.mark.quick_sample(12)  # of the 136 vignettes, each in every format and view
@pytest.mark.parametrize("name", VIGNETTES)
def test_no_dose_text_in_any_format_or_view(ruleset, name):
    result = screen(vignette_answers(name), ruleset)
    for fmt in FORMATS:
        for view in VIEWS:
            text = _text(fmt, render(result, ruleset, fmt, view))
            assert text.strip()
            assert find_unsafe_text(text) is None, (fmt, view, find_unsafe_text(text))


@pytest.mark.slow  # PDFs of many generated answer sets (a large property run)
def test_no_dose_text_in_pdfs_of_generated_answers(ruleset):
    for answers in answer_sets(ruleset, 12, seed=7, red_flag_rate=0.05):
        result = screen(answers, ruleset)
        for view in VIEWS:
            assert find_unsafe_text(pdf_text(render(result, ruleset, "pdf", view))) is None


@pytest.mark.parametrize("fmt", sorted(set(FORMATS) - {"json"}))
def test_dose_text_is_refused_before_output(ruleset, fmt):
    """The guard trips for every report format (json is the raw contract, checked too)."""
    result = screen(vignette_answers("office-worker-winter"), ruleset)
    note = result.notes  # empty here: add one with dose text
    from screener.result import Evidence, Note

    bad = Note(id="N-BAD", text="Take 400 IU every day.",
               evidence=Evidence(rule="N-BAD", title="t", reason="r", answers={}, sources=["ods-vitd"]))
    hostile = result.model_copy(update={"notes": list(note) + [bad]})
    for view in VIEWS:
        with pytest.raises(SafetyError):
            render(hostile, ruleset, fmt, view)


def test_json_with_dose_text_is_refused(ruleset):
    result = screen(vignette_answers("office-worker-winter"), ruleset)
    hostile = result.model_copy(update={"warnings": ["take 5 mg"]})
    with pytest.raises(SafetyError):
        render(hostile, ruleset, "json", "person")
