"""Plain text for a terminal: triage first, then factors with reasons in plain words.

What is said comes from ``content.build`` (shared with Markdown, HTML and PDF); this
module only lays it out in 78 columns. The person view is plain language. The clinician
view adds rule ids, sources, derived facts, factors held back by an exception, every
fired rule and the ruleset stamp. An urgent result shows the person only the urgent
message and why.
"""

from __future__ import annotations

import textwrap
from contextvars import ContextVar

from ..i18n import N_, _, ngettext
from .content import Reason, Report, build

EXTENSION = ".txt"
BINARY = False
WIDTH = 78
#: the width of the render under way: WIDTH in files and pipes, the terminal's at a terminal
_width: ContextVar[int] = ContextVar("text_width", default=WIDTH)


def _wrap(text: str, indent: str = "", bullet: str = "") -> str:
    # words are never cut (a long word, such as a file path, stays whole on its line)
    return textwrap.fill(" ".join(text.split()), _width.get(), initial_indent=indent + bullet,
                         subsequent_indent=indent + " " * len(bullet),
                         break_long_words=False, break_on_hyphens=False)


def _heading(text: str) -> list[str]:
    return [text, "-" * len(text)]


def _reason(reason: Reason, clinician: bool, indent: str = "   ") -> list[str]:
    head = f"{reason.title}: {reason.reason}"
    if clinician:
        head = f"[{reason.rule}] " + head
    lines = [_wrap(head, indent, "* ")]
    if reason.answers:
        lines.append(indent + "  " + _("You answered:"))
        lines += [_wrap(f"{a.question} {a.answer}", indent + "    ", "- ")
                  for a in reason.answers]
    if clinician:
        if reason.facts:
            lines.append(_wrap(_("Facts used: {facts}").format(facts=reason.facts),
                               indent + "  "))
        if reason.assumed:
            lines.append(_wrap(reason.assumed, indent + "  "))
        lines.append(_wrap(_("Sources: {ids}").format(ids=", ".join(reason.sources)),
                           indent + "  "))
    return lines


def render(result, ruleset, view: str, width: int = WIDTH, part: str = "all") -> str:
    """The result in ``width`` columns (78 in files and pipes; the terminal's width at a
    terminal). ``part="first"``: only the first screen (see ``first_screen``)."""
    token = _width.set(width)
    try:
        r = build(result, ruleset, view)
        if r.clinician:  # the clinician summary first; at a terminal it is the first screen
            summary = _clinician_summary(result, ruleset, r)
            return summary if part == "first" else summary + "\n" + _render(r)
        return first_screen(r) if part == "first" else _render(r)
    finally:
        _width.reset(token)


def _clinician_summary(result, ruleset, r: Report) -> str:
    from .clinician import build_summary
    from .clinician_text import summary_lines

    return "\n".join(summary_lines(build_summary(result, ruleset, r), _wrap)).rstrip() + "\n"


def _render(r: Report) -> str:
    clinician = r.clinician
    out = ([r.review_notice, ""] if r.review_notice else []) + [  # one line, never wrapped
        _("RESULT: {title}").format(title=r.triage_title.upper()), "",
        _wrap(r.triage_message), ""]
    for note in r.first_notes:
        out += [_wrap(note.text), ""]
    if r.completeness:
        out += [_wrap(r.completeness), ""]
    if r.triage_why:
        out.append(_("Why:"))
        for reason in r.triage_why:
            out += _reason(reason, clinician)
        out.append("")
    if r.urgent_only:
        return "\n".join(out).rstrip() + "\n"

    if r.factors:
        out += _heading(_("Possible contributing factors"))
        for f in r.factors:
            out.append(f"{f.number}. {f.label} ({f.strength})"
                       + (f"  [{f.id}]" if clinician else ""))
            out.append(_wrap(f.summary, "   "))
            out.append("   " + _("Why:"))
            for reason in f.reasons:
                out += _reason(reason, clinician, "   ")
            if f.symptoms:
                out.append(_wrap(_("Symptoms you mentioned that can fit (they do not raise the "
                                   "factor on their own)") + ": " + "; ".join(f.symptoms), "   "))
            out.append("   " + _("Questions to ask your clinician:"))
            out += [_wrap(q, "   ", "- ") for q in f.ask]
            out.append("")
    elif r.no_factors:
        out += [_wrap(r.no_factors), ""]

    if r.notes:
        out += _heading(_("Notes"))
        for note in r.notes:
            out.append(_wrap(note.text, "", "* ") + (f"  [{note.id}]" if clinician else ""))
        out.append("")

    if clinician:
        out += _clinician_trail(r)
    out += [_wrap(r.disclaimer), ""]
    out.append(r.stamp)
    return "\n".join(out).rstrip() + "\n"


def _clinician_trail(r: Report) -> list[str]:
    out = []
    if r.triage_decision:
        out.append(_("Triage decision:"))
        for reason in r.triage_decision:
            out += _reason(reason, True)
        out.append("")
    if r.held_back:
        out.append(_("Factors with indicators that were not raised:"))
        for h in r.held_back:
            out.append(f"   {h.label} [{h.id}]: " + _("indicators") + " " + ", ".join(h.indicators))
            for reason in h.because:
                out += _reason(reason, True, "     ")
        out.append("")
    if r.derived:
        out.append(_("Derived facts:"))
        for reason in r.derived:
            out += _reason(reason, True)
        out.append("")
    if r.unanswered_ids or r.not_sure_ids:
        out.append(_("Unanswered:") + " " + (", ".join(r.unanswered_ids) or _("none")))
        out.append(_("Not sure:") + " " + (", ".join(r.not_sure_ids) or _("none")))
        out.append("")
    if r.warnings:
        out.append(_("Warnings:"))
        out += [_wrap(w, "   ", "- ") for w in r.warnings]
        out.append("")
    out.append(_wrap(_("Rules fired:") + " " + ", ".join(r.fired_rules)))
    out.append("")
    return out


#: What to do and by when, one line a level, for the first screen at a terminal (the
#: triage message, in full, is in the details and in every saved report).
WHAT_TO_DO = {
    "urgent": N_("Call your local emergency number or go to an emergency department now."),
    "same_day": N_("Contact your doctor's surgery, a pharmacist or an urgent advice line "
                   "today."),
    "prompt": N_("Book an appointment with a doctor, nurse or pharmacist within the next "
                 "few days."),
    "routine": N_("Discuss these with a clinician at a routine appointment."),
    # symptoms are spoken of only when some were reported (note N-SYMPTOMS-PERSIST)
    "self_care": N_("Nothing to do now; see a clinician if you feel unwell or something new "
                    "worries you."),
}


def first_screen(r: Report) -> str:
    """What fits a 24-line terminal: the level, what to do and by when, why (one line
    each), the factors one line each, anything said first under the triage (heat,
    cancer treatment, the urgent check unasked; an incomplete screening), and how to
    see the rest."""
    out = ([r.review_notice] if r.review_notice else []) + [
        _("RESULT: {title}").format(title=r.triage_title.upper()),
        _wrap(_("What to do:") + " " + _(WHAT_TO_DO.get(r.level, WHAT_TO_DO["routine"])))]
    if r.triage_why:
        why = "; ".join(dict.fromkeys(reason.title for reason in r.triage_why))
    elif r.factors:
        why = ngettext("{count} possible contributing factor (below).",
                       "{count} possible contributing factors (below).",
                       len(r.factors)).format(count=len(r.factors))
    else:
        why = r.no_factors
    if why:
        out.append(_wrap(_("Why:") + " " + why))
    out += [_wrap(note.text) for note in r.first_notes]
    if r.completeness:
        out.append(_wrap(r.completeness))
    if r.factors:
        out.append("")
        out += [_wrap(f"{f.number}. {f.label} ({f.strength})", "", "") for f in r.factors]
    if r.urgent_only:
        out += ["", _wrap(r.triage_message)]
    return "\n".join(out).rstrip() + "\n"
