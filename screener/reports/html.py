"""HTML: one self-contained page (inline CSS, no scripts, no external assets) that reads
on a phone and prints cleanly (template: report.html.j2, autoescaped)."""

from __future__ import annotations

EXTENSION = ".html"
BINARY = False


def render(result, ruleset, view: str) -> str:
    from .clinician import summary_for
    from .content import build
    from .templating import render_template

    report = build(result, ruleset, view)
    return render_template("report.html.j2", html=True, r=report,
                           s=summary_for(result, ruleset, report))
