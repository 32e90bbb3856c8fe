"""The PDF: text extracted with pypdf holds the triage, factors, page numbers and stamp."""

import io

import pytest
from pypdf import PdfReader
from report_helpers import CASES, pdf_text, vignette_answers

from screener.reports import render
from screener.screening import screen

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture(scope="module")
def routine(ruleset):
    return screen(vignette_answers("office-worker-winter"), ruleset)


def _size(data: bytes):
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def test_pdf_text_has_triage_factors_and_stamp(ruleset, routine):
    data = render(routine, ruleset, "pdf", "person")
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_text(data).split())
    assert routine.triage_detail.title in text
    for factor in routine.factors:
        assert factor.label in text
    stamp = f"Ruleset {routine.ruleset.name} {routine.ruleset.version} ({routine.ruleset.hash[:12]})"
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, 1):  # the footer is on every page
        page_text = " ".join(page.extract_text().split())
        assert stamp in page_text and f"Page {number}" in page_text
    assert "Questions to ask your clinician" in text and "References" in text
    assert "VD-SUN" not in text


def test_clinician_pdf_has_the_trail(ruleset, routine):
    text = " ".join(pdf_text(render(routine, ruleset, "pdf", "clinician")).split())
    assert "Rules fired" in text and "D-DARK-SEASON" in text and "VD-SUN" in text


def test_urgent_person_pdf_shows_only_the_urgent_message(ruleset):
    result = screen(vignette_answers("cola-urine"), ruleset)
    text = " ".join(pdf_text(render(result, ruleset, "pdf", "person")).split())
    assert "Nutrition screening summary Get urgent medical care now" in text
    assert "Possible contributing factors" not in text and "Your answers" not in text


def test_paper_sizes(ruleset, routine):
    assert _size(render(routine, ruleset, "pdf", "person")) == A4
    assert _size(render(routine, ruleset, "pdf", "person", paper="a4")) == A4
    assert _size(render(routine, ruleset, "pdf", "person", paper="letter")) == LETTER
    with pytest.raises(ValueError, match="a4, letter"):
        render(routine, ruleset, "pdf", "person", paper="a5")


def test_unicode_characters_print(ruleset, routine):
    """The bundled DejaVu font carries ≥, µ and é (reportlab's own fonts are Latin-1)."""
    factor = routine.factors[0].model_copy(update={"label": "Café ≥ µ naïve – “quoted”"})
    result = routine.model_copy(update={"factors": [factor]})
    data = render(result, ruleset, "pdf", "person")
    assert "Café ≥ µ naïve – “quoted”" in pdf_text(data)
    assert b"DejaVuSans" in data  # embedded, not looked up on the machine


def test_pdf_is_byte_stable(ruleset, routine):
    assert render(routine, ruleset, "pdf", "person") == render(routine, ruleset, "pdf", "person")


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_golden_case_renders_in_both_views(ruleset, name):
    result = screen(vignette_answers(name), ruleset)
    for view in ("person", "clinician"):
        text = " ".join(pdf_text(render(result, ruleset, "pdf", view)).split())
        assert result.triage_detail.title in text
