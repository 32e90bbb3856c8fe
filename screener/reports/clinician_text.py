"""The clinician summary (reports/clinician.py) as plain text lines, for the text format
and for intake's staff screen. Wrapping is the caller's (text.py wraps at the width of
the render under way), so the summary reads like the rest of the text it heads."""

from __future__ import annotations

from collections.abc import Callable

from ..i18n import _
from .clinician import red_flags_text, rules_text, unanswered_text

#: wrap(text, indent="", bullet="") -> the text filled to the width, words never cut
Wrap = Callable[..., str]


def summary_lines(s, wrap: Wrap) -> list[str]:
    title = s.title.upper()
    out = [title, "=" * len(title)]
    out += [wrap(f"{label}: {value}", "", "") for label, value in s.header]
    out += ["", wrap(f"{s.level_title.upper()} ({s.level}). {s.action}"),
            wrap(_("Set by") + ": " + rules_text(s.set_by) + ".")]
    if s.completeness:
        out.append(wrap(s.completeness))
    out += ["", wrap(s.overview)]
    for f in s.factors:
        out.append(wrap(f"{f.label} [{f.id}] ({f.strength}): " + ", ".join(f.indicators),
                        "", "* "))
        out.append(wrap(_("Answers") + ": " + "; ".join(f.answers), "  "))
        out.append(wrap(_("Sources") + ": " + ", ".join(f.sources), "  "))
    for h in s.held_back:
        out.append(wrap(_("Held back") + f": {h.label} [{h.id}]: " + _("indicators") + " "
                        + ", ".join(h.indicators) + "; " + _("held back by") + " "
                        + rules_text(h.because), "", "* "))
    out += ["", wrap(_("Red flags asked") + ": " + red_flags_text(s) + "."),
            wrap(_("Unanswered") + ": " + unanswered_text(s) + ".")]
    if s.notes:
        out.append(wrap(_("Notes") + ": " + rules_text(s.notes) + "."))
    if s.check:
        out.append(wrap(_("What to check") + " ("
                        + _("the questions the respondent was given to ask") + "):"))
        out += [wrap(f"“{q}”", "", "- ") for q in s.check]
    return out + [""]
