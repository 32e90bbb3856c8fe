"""The HTML report parsed with the standard library: self-contained and accessible."""

import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from report_helpers import CASES, vignette_answers

from screener.errors import AnswersError
from screener.reports import render
from screener.screening import screen


class Page(HTMLParser):
    """Collects what the checks need: tags with attributes, headings, tables, style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[int] = []
        self.tables: list[dict] = []
        self.style = ""
        self._in_style = False
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag not in ("meta", "br", "img", "link", "input", "hr"):
            self.stack.append(tag)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"th": [], "rows": 0})
        if tag == "th":
            self.tables[-1]["th"].append(attrs)
        if tag == "tr":
            self.tables[-1]["rows"] += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack[-3:]}"
        self.stack.pop()
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    assert page.stack == [], f"unclosed tags: {page.stack}"
    return page


@pytest.fixture(scope="module", params=[(n, v) for n in CASES for v in ("person", "clinician")],
                ids=lambda p: f"{p[0]}-{p[1]}")
def page(request, ruleset):
    name, view = request.param
    text = render(screen(vignette_answers(name), ruleset), ruleset, "html", view)
    return text, parse(text)


def test_document_basics(page):
    text, parsed = page
    assert text.startswith("<!DOCTYPE html>")
    html = [attrs for tag, attrs in parsed.tags if tag == "html"][0]
    assert html.get("lang") == "en"
    metas = [attrs for tag, attrs in parsed.tags if tag == "meta"]
    assert {"charset": "utf-8"} in metas
    assert any(m.get("name") == "viewport" and "width=device-width" in m["content"] for m in metas)
    assert [t for t, _ in parsed.tags].count("title") == 1


def test_self_contained_no_scripts_or_external_assets(page):
    text, parsed = page
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    assert "img" not in tags and "object" not in tags
    for _, attrs in parsed.tags:
        assert "src" not in attrs
        assert not any(name.startswith("on") for name in attrs)  # no inline handlers
    assert "@import" not in parsed.style and "url(" not in parsed.style
    assert "<style>" in text


def test_print_stylesheet_and_small_screens(page):
    _, parsed = page
    assert "@media print" in parsed.style
    assert re.search(r"@media \(max-width: *\d+rem\)", parsed.style)


def test_headings_in_order(page):
    _, parsed = page
    levels = parsed.headings
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in pairwise(levels):
        assert after <= before + 1, f"heading jumps from h{before} to h{after}"


def test_tables_have_header_cells_with_scope(page):
    _, parsed = page
    assert parsed.tables
    for table in parsed.tables:
        assert table["th"], "a table without header cells"
        assert all(th.get("scope") in ("row", "col") for th in table["th"])


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_have_sufficient_contrast(page):
    """WCAG AA (4.5:1) for every text colour against white and every background used."""
    _, parsed = page
    style = parsed.style
    texts = set(re.findall(r"(?<![-\w])color: *(#[0-9a-fA-F]{6})", style))
    backgrounds = set(re.findall(r"background: *(#[0-9a-fA-F]{6})", style)) | {"#ffffff"}
    assert texts and len(backgrounds) > 1
    for text in texts:
        for background in backgrounds:
            assert contrast(text, background) >= 4.5, (text, background)


def test_autoescape(ruleset):
    answers = dict(vignette_answers("office-worker-winter"), respondent_id="a<b")
    with pytest.raises(AnswersError):  # ids are validated: markup cannot get in that way
        screen(answers, ruleset)
    result = screen(vignette_answers("office-worker-winter"), ruleset)
    hostile = result.model_copy(update={"factors": [result.factors[0].model_copy(
        update={"label": "<script>alert(1)</script>"})]})
    out = render(hostile, ruleset, "html", "person")
    assert "<script>" not in out and "&lt;script&gt;" in out
