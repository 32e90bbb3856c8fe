"""Markdown: a summary to read, print or paste into notes (template: report.md.j2)."""

from __future__ import annotations

EXTENSION = ".md"
BINARY = False


def render(result, ruleset, view: str) -> str:
    from .clinician import summary_for
    from .content import build
    from .templating import render_template

    report = build(result, ruleset, view)
    return render_template("report.md.j2", html=False, r=report,
                           s=summary_for(result, ruleset, report))
