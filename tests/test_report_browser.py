"""The clinician HTML report in a real browser: Debian's headless Chromium prints it to
PDF and takes a screenshot (issue 21). The clinician summary ends on its own page
(print CSS ``break-after: page``), so the page where the detail starts says how many
pages the summary took: one for a typical case (one or two factors), at most two for an
older adult on a water tablet (four factors, one held back; measured: one). The
answers table's Id column must not collapse to one letter a line (ids printed
vertically made one report 30 pages; measured 14 with the fix).
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT

from screener.personas import load_personas
from screener.reports import render
from screener.screening import screen

CHROMIUM = shutil.which("chromium") or shutil.which("chromium", path="/usr/bin")

pytestmark = [
    pytest.mark.slow,  # a browser start per page: seconds each
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: "
                                                "apt-get install chromium); .ci/run installs it"),
    pytest.mark.timeout(300),
]

#: the detail's first heading (the person-view layout starts with the triage box)
DETAIL_STARTS = "About this screening"


def _chromium(*args: str) -> None:
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", *args], check=True, timeout=180,
                   capture_output=True)


def _clinician_html(ruleset, tmp_path, persona_id: str):
    persona = load_personas(ROOT / "personas", ruleset)[persona_id]
    result = screen({"respondent_id": "P-0042", **persona.answers}, ruleset)
    path = tmp_path / f"{persona_id}.html"
    path.write_text(render(result, ruleset, "html", "clinician"), encoding="utf-8")
    return result, path


def _printed_pages(html_path) -> list[str]:
    from pypdf import PdfReader

    pdf = html_path.with_suffix(".pdf")
    _chromium(f"--print-to-pdf={pdf}", html_path.as_uri())
    return [page.extract_text() for page in PdfReader(str(pdf)).pages]


def _summary_pages(pages: list[str]) -> int:
    """How many pages the clinician summary took: those before the detail's first."""
    return next(i for i, text in enumerate(pages) if DETAIL_STARTS in text)


@pytest.mark.parametrize("persona_id, most_pages", [
    ("office-worker-winter", 1),  # typical: two factors
    ("older-adult-diuretic", 2),  # four factors, one held back (measured: 1)
])
def test_the_clinician_summary_prints_on_its_page_budget(ruleset, tmp_path, persona_id,
                                                         most_pages):
    result, html = _clinician_html(ruleset, tmp_path, persona_id)
    pages = _printed_pages(html)
    assert "Clinician summary" in pages[0] and "P-0042" in pages[0]
    assert 1 <= _summary_pages(pages) <= most_pages
    # the summary's last part (what to check) is printed before the detail starts
    summary_text = " ".join(" ".join(pages[:_summary_pages(pages)]).split())
    assert "What to check" in summary_text
    assert all(f.id in summary_text for f in result.factors)


def test_answer_ids_print_whole_and_the_report_stays_short(ruleset, tmp_path):
    """The Id column of the answers table kept its width: each id prints on one line,
    so it reads whole in the PDF's text (a collapsed column printed it a letter or two a
    line), and the whole clinician report of an older adult stays within 20 pages."""
    result, html = _clinician_html(ruleset, tmp_path, "older-adult-diuretic")
    pages = _printed_pages(html)
    text = "\n".join(pages)
    answered = [q for q in result.answers if q != "respondent_id"]
    assert [q for q in answered if q not in text] == []
    assert len(pages) <= 20, len(pages)


def test_a_screenshot_of_the_report_is_drawn(ruleset, tmp_path):
    from PIL import Image

    _, html = _clinician_html(ruleset, tmp_path, "office-worker-winter")
    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1000,1400", html.as_uri())
    image = Image.open(shot)
    assert image.size == (1000, 1400)
    # drawn, not blank: more than one colour on the page
    assert len(image.convert("L").getcolors(maxcolors=256 * 256) or []) > 2
