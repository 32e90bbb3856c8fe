"""PDF: a printable summary laid out with reportlab (BSD, pure PyPI, no system libraries).

The content is the same view-model as Markdown and HTML (content.py). reportlab's
built-in fonts are Latin-1 only, so the bundled DejaVu Sans (screener/fonts/, with its
licence) is embedded: characters such as ≥, µ and é print. Every page carries the
page number and the ruleset stamp in its footer. Output is byte-stable for the same
result (reportlab's invariant mode: no creation time, fixed document id).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..i18n import _
from .clinician import red_flags_text, rules_text, summary_for, unanswered_text

EXTENSION = ".pdf"
BINARY = True
PAPERS = ("a4", "letter")
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"

TRIAGE_COLOURS = {  # border colour per level; all pass WCAG AA on white as text
    "urgent": "#a00000", "same_day": "#b3261e", "prompt": "#8a4b00", "routine": "#0b4f9c",
    "self_care": "#1d6b2f"}


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)


def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5, spaceAfter=4,
                          textColor=colors.HexColor("#1a1a1a"))
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=17, leading=21,
                             spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16,
                             spaceBefore=10, spaceAfter=5, keepWithNext=True),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=11, leading=14,
                             spaceBefore=6, spaceAfter=3, keepWithNext=True),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=14, bulletIndent=4,
                                 spaceAfter=2),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9, leading=12, leftIndent=28,
                              bulletIndent=18, spaceAfter=1),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
    }


def _t(text) -> str:
    return escape(str(text))


def _refs(numbers) -> str:
    return "".join(f"<super>[{n}]</super>" for n in numbers)


class _Builder:
    def __init__(self, report, summary=None):
        self.r = report
        self.summary = summary  # the clinician summary (reports/clinician.py), or None
        self.s = _styles()
        self.story: list = []

    def p(self, text: str, style: str = "body", bullet: str | None = None) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(text, self.s[style], bulletText=bullet))

    def reason(self, x) -> None:
        rule = f"[{_t(x.rule)}] " if self.r.clinician else ""
        self.p(f"{rule}<b>{_t(x.title)}</b>: {_t(x.reason)}{_refs(x.refs)}", "bullet", "•")
        for a in x.answers:
            self.p(_t(_("You answered")) + f" “{_t(a.question)}”: <b>{_t(a.answer)}</b>", "sub",
                   "–")
        if self.r.clinician and x.facts:
            self.p(_t(_("Facts used")) + f": {_t(x.facts)}", "sub", "–")
        if self.r.clinician and x.assumed:
            self.p(_t(x.assumed), "sub", "–")

    def table(self, rows, widths, header: bool) -> None:
        from reportlab.lib import colors
        from reportlab.platypus import Paragraph, Table, TableStyle

        cells = [[Paragraph(c if i == 0 and not header else c, self.s["cell"]) for i, c in
                  enumerate(row)] for row in rows]
        table = Table(cells, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
        # (command, first cell, last cell, arguments...): reportlab's style commands
        style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8c8c8")),
                 ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
        table.setStyle(TableStyle(style))
        self.story.append(table)

    def build(self, width: float) -> list:
        from reportlab.lib import colors
        from reportlab.platypus import Spacer, Table, TableStyle

        r = self.r
        self.p(_t(r.title) + (" " + _t(_("(clinician view)")) if r.clinician else ""), "h1")
        if r.review_notice:
            self.p(f"<i>{_t(r.review_notice)}</i>", "small")
        if self.summary is not None:
            from reportlab.platypus import PageBreak

            self._summary(self.summary, width)
            self.story.append(PageBreak())  # the detail starts on a page of its own
        # the triage, boxed with a coloured rule, first on the page
        colour = colors.HexColor(TRIAGE_COLOURS[r.level])
        from reportlab.platypus import Paragraph
        inner = [Paragraph(_t(r.triage_title), self.s["h2"]),
                 Paragraph(_t(r.triage_message), self.s["body"])]
        inner += [Paragraph(f"<b>{_t(n.text)}</b>{_refs(n.refs)}", self.s["body"])
                  for n in r.first_notes]
        if r.completeness:
            inner.append(Paragraph(f"<b>{_t(r.completeness)}</b>", self.s["body"]))
        box = Table([[inner]], colWidths=[width])
        box.setStyle(TableStyle([("LINEBEFORE", (0, 0), (0, 0), 5, colour),
                                 ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f4f4f4")),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 10)]))
        self.story.append(box)
        if r.triage_why:
            self.p(_t(_("Why")), "h3")
            for x in r.triage_why:
                self.reason(x)
        self.p(_t(_("About this screening")), "h2")
        self.table([[f"<b>{_t(k)}</b>", _t(v)] for k, v in r.header], [width * .3, width * .7],
                   header=False)
        if not r.urgent_only:
            self._body(width)
        if r.references:
            self.p(_t(_("References")), "h2")
            for ref in r.references:
                extra = f" {_t(ref.url)}" if ref.url else ""
                ident = f" [{_t(ref.id)}]" if r.clinician else ""
                self.p(f"{_t(ref.citation)}{extra}{ident}", "small", f"{ref.number}.")
        self.story.append(Spacer(1, 8))
        self.p(_t(r.disclaimer), "small")
        return self.story

    def _summary(self, s, width: float) -> None:
        """The clinician summary: one page for a typical case (third person)."""
        def rules(items) -> str:
            return _t(rules_text(items))

        self.p(_t(s.title), "h2")
        cells = [[f"<b>{_t(k)}</b>", _t(v)] for k, v in s.header]
        # two answers a row; an odd last one beside an empty pair
        pairs = [a + b for a, b in zip(cells[::2], cells[1::2] + [["", ""]], strict=False)]
        self.table(pairs, [width * .14, width * .36, width * .14, width * .36], header=False)
        self.p(f"<b>{_t(s.level_title)}</b> ({_t(s.level)}). {_t(s.action)}")
        self.p(_t(_("Set by")) + ": " + rules(s.set_by) + ". " + _t(s.completeness))
        self.p(_t(s.overview))
        if s.factors:
            titles = [_("Factor"), _("Strength"), _("Indicators"), _("Answers behind them"),
                      _("Sources")]
            rows = [[f"<b>{_t(t)}</b>" for t in titles]]
            rows += [[f"{_t(f.label)} [{_t(f.id)}]", _t(f.strength), "<br/>".join(
                          _t(i) for i in f.indicators), _t("; ".join(f.answers)),
                      _t(", ".join(f.sources))] for f in s.factors]
            self.table(rows, [width * .2, width * .1, width * .17, width * .33, width * .2],
                       header=True)
        for h in s.held_back:
            self.p(_t(_("Held back")) + f": <b>{_t(h.label)}</b> [{_t(h.id)}]: "
                   + _t(_("indicators")) + " " + _t(", ".join(h.indicators)) + "; "
                   + _t(_("held back by")) + " " + rules(h.because), "small")
        self.p("<b>" + _t(_("Red flags asked")) + ":</b> " + _t(red_flags_text(s)) + ".",
               "small")
        self.p("<b>" + _t(_("Unanswered")) + ":</b> " + _t(unanswered_text(s)) + ".", "small")
        if s.notes:
            self.p("<b>" + _t(_("Notes")) + ":</b> " + rules(s.notes) + ".", "small")
        if s.check:
            self.p("<b>" + _t(_("What to check")) + "</b> ("
                   + _t(_("the questions the respondent was given to ask")) + "):", "small")
            for q in s.check:
                self.p(f"“{_t(q)}”", "small", "•")

    def _body(self, width: float) -> None:
        r = self.r
        self.p(_t(_("Possible contributing factors")), "h2")
        if r.no_factors:
            self.p(_t(r.no_factors))
        for f in r.factors:
            ident = f" [{_t(f.id)}]" if r.clinician else ""
            self.p(f"{f.number}. {_t(f.label)} ({_t(f.strength)}){ident}", "h3")
            self.p(_t(f.summary) + _refs(f.refs))
            self.p(_t(_("Why:")))
            for x in f.reasons:
                self.reason(x)
            if f.symptoms:
                self.p(_t(_("Symptoms you mentioned that can fit (they do not raise the factor "
                            "on their own)")) + ": " + _t("; ".join(f.symptoms)))
        if r.notes:
            self.p(_t(_("Notes")), "h2")
            for n in r.notes:
                ident = f" [{_t(n.id)}]" if r.clinician else ""
                self.p(_t(n.text) + _refs(n.refs) + ident, "bullet", "•")
        if r.ask:
            self.p(_t(_("Questions to ask your clinician")), "h2")
            for q in r.ask:
                self.p(_t(q), "bullet", "•")
        if r.unanswered:
            self.p(_t(_("Items left unanswered")), "h2")
            self.p(_t(_("These were not answered (or answered “not sure”); your clinician may "
                        "ask about them.")))
            for u in r.unanswered:
                self.p(_t(u), "bullet", "•")
        if r.clinician:
            self._trail()
        if r.answer_sections:
            self.p(_t(_("Your answers")), "h2")
            for s in r.answer_sections:
                self.p(_t(s.title), "h3")
                # texts to translate stay outside f-strings: Python 3.12+ tokenises
                # f-strings into parts, so Babel would find them on some versions only
                titles = [_("Question"), _("Answer")] + ([_("Id")] if r.clinician else [])
                head = [f"<b>{_t(t)}</b>" for t in titles]
                rows = [[_t(a.question), _t(a.answer)] + ([_t(a.id)] if r.clinician else [])
                        for a in s.answers]
                widths = ([width * .46, width * .25, width * .29] if r.clinician
                          else [width * .6, width * .4])
                self.table([head] + rows, widths, header=True)

    def _trail(self) -> None:
        r = self.r
        self.p(_t(_("Clinician trail")), "h2")
        if r.triage_decision:
            self.p(_t(_("Triage decision")), "h3")
            for x in r.triage_decision:
                self.reason(x)
        if r.held_back:
            self.p(_t(_("Factors with indicators that were not raised")), "h3")
            for h in r.held_back:
                indicators, held_by = _("indicators"), _("held back by:")
                self.p(f"<b>{_t(h.label)}</b> [{_t(h.id)}]: {_t(indicators)} "
                       f"{_t(', '.join(h.indicators))}; {_t(held_by)}", "bullet", "•")
                for x in h.because:
                    self.p(f"[{_t(x.rule)}] {_t(x.title)}: {_t(x.reason)}{_refs(x.refs)}",
                           "sub", "–")
        if r.derived:
            self.p(_t(_("Derived facts")), "h3")
            for x in r.derived:
                self.reason(x)
        if r.warnings:
            self.p(_t(_("Warnings")), "h3")
            for w in r.warnings:
                self.p(_t(w), "bullet", "•")
        self.p(_t(_("Rules fired")), "h3")
        self.p(_t(", ".join(r.fired_rules)))
        self.p(_t(_("Unanswered ids")) + ": " + _t(", ".join(r.unanswered_ids) or _("none"))
               + ". " + _t(_("Not sure ids")) + ": " + _t(", ".join(r.not_sure_ids) or _("none"))
               + ".")


def render(result, ruleset, view: str, paper: str = "a4") -> bytes:
    import io

    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from ..safety import ensure_safe_text
    from .content import build

    if paper not in PAPERS:
        raise ValueError(f"unknown paper '{paper}'; choose one of: {', '.join(PAPERS)}")

    report = build(result, ruleset, view)
    summary = summary_for(result, ruleset, report)
    # the PDF's text is compressed: check the words before they are laid out
    ensure_safe_text(json.dumps([asdict(report), asdict(summary) if summary else None],
                                ensure_ascii=False), "the pdf output")
    _register_fonts()
    size = A4 if paper == "a4" else LETTER
    margin = 18 * mm
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=margin + 6 * mm, title=report.title, author="screener",
        subject=report.stamp, creator=f"screener {result.tool_version}", invariant=1,
        lang=report.lang)

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillGray(0.25)
        y = margin - 2 * mm
        canvas.drawString(margin, y, report.stamp)
        canvas.drawRightString(size[0] - margin, y, _("Page {number}").format(number=doc_.page))
        canvas.restoreState()

    story = _Builder(report, summary).build(size[0] - 2 * margin)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
