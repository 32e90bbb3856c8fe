"""Plain text for a terminal: triage first, then factors with reasons in plain words.

The person view is plain language. The clinician view adds rule ids, sources, derived
facts, factors held back by an exception, every fired rule and the ruleset stamp. An
urgent result shows the person only the urgent message and why.
"""

from __future__ import annotations

import textwrap

from ..i18n import _
from .content import (
    DISCLAIMER, EXPLAINED_LEVELS, STRENGTH_WORDS, completeness_line, held_back_label,
    no_factors_text, review_notice, stamp,
)

EXTENSION = ".txt"
BINARY = False
WIDTH = 78


def _wrap(text: str, indent: str = "", bullet: str = "") -> str:
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent + bullet,
                         subsequent_indent=indent + " " * len(bullet))


def answer_lines(answers: dict, ruleset, indent: str) -> list[str]:
    """'You answered' lines: question text and the human label of the answer."""
    questions = ruleset.questions.by_id
    return [_wrap(f"{questions[q].text} {questions[q].describe_answer(v)}", indent, "- ")
            for q, v in answers.items() if q in questions]


def _evidence(ev, ruleset, clinician: bool, indent: str = "   ") -> list[str]:
    head = f"{ev.title}: {ev.reason}"
    if clinician:
        head = f"[{ev.rule}] " + head
    lines = [_wrap(head, indent, "* ")]
    if ev.answers:
        lines.append(indent + "  " + _("You answered:"))
        lines += answer_lines(ev.answers, ruleset, indent + "    ")
    if clinician:
        if ev.facts:
            facts = ", ".join(f"{k}={v}" for k, v in ev.facts.items())
            lines.append(_wrap(_("Facts used: {facts}").format(facts=facts), indent + "  "))
        lines.append(_wrap(_("Sources: {ids}").format(ids=", ".join(ev.sources)),
                           indent + "  "))
    return lines


def render(result, ruleset, view: str) -> str:
    clinician = view == "clinician"
    t = result.triage_detail
    notice = review_notice(ruleset)
    out = ([notice, ""] if notice else []) + [  # one line, never wrapped
        _("RESULT: {title}").format(title=t.title.upper()), "", _wrap(t.message), ""]
    completeness = completeness_line(result, clinician)
    if completeness:
        out += [_wrap(completeness), ""]
    if result.triggered_by and result.triage in EXPLAINED_LEVELS:
        out.append(_("Why:"))
        for ev in result.triggered_by:
            out += _evidence(ev, ruleset, clinician)
        out.append("")
    if result.triage == "urgent" and not clinician:
        return "\n".join(out).rstrip() + "\n"

    if result.factors:
        heading = _("Possible contributing factors")
        out += [heading, "-" * len(heading)]
        for n, f in enumerate(result.factors, 1):
            strength = _(STRENGTH_WORDS[f.strength])
            out.append(f"{n}. {f.label} ({strength})" + (f"  [{f.id}]" if clinician else ""))
            out.append(_wrap(f.summary, "   "))
            out.append("   " + _("Why:"))
            for ev in f.indicators:
                out += _evidence(ev, ruleset, clinician, "   ")
            if f.consistent_symptoms:
                out.append(_wrap(_("Symptoms you mentioned that can fit (they do not raise the "
                                   "factor on their own)") + ": "
                                 + "; ".join(s.label for s in f.consistent_symptoms), "   "))
            out.append("   " + _("Questions to ask your clinician:"))
            out += [_wrap(q, "   ", "- ") for q in f.ask]
            out.append("")
    elif result.triage != "urgent":
        out += [_wrap(no_factors_text(result)), ""]

    if result.notes:
        heading = _("Notes")
        out += [heading, "-" * len(heading)]
        for note in result.notes:
            out.append(_wrap(note.text, "", "* ") + (f"  [{note.id}]" if clinician else ""))
        out.append("")

    if clinician:
        out += _clinician_trail(result, ruleset)
    out += [_wrap(_(DISCLAIMER)), ""]
    out.append(stamp(result))
    return "\n".join(out).rstrip() + "\n"


def _clinician_trail(result, ruleset) -> list[str]:
    out = []
    if result.triage not in EXPLAINED_LEVELS:
        out.append(_("Triage decision:"))
        for ev in result.triggered_by:
            out += _evidence(ev, ruleset, True)
        out.append("")
    if result.held_back:
        out.append(_("Factors with indicators that were not raised:"))
        for h in result.held_back:
            out.append(f"   {held_back_label(h.id)} [{h.id}]: " + _("indicators") + " "
                       + ", ".join(e.rule for e in h.indicators))
            for ev in h.because:
                out += _evidence(ev, ruleset, True, "     ")
        out.append("")
    if result.derived_facts:
        out.append(_("Derived facts:"))
        for ev in result.derived_facts:
            out += _evidence(ev, ruleset, True)
        out.append("")
    if result.unanswered or result.not_sure:
        out.append(_("Unanswered:") + " " + (", ".join(result.unanswered) or _("none")))
        out.append(_("Not sure:") + " " + (", ".join(result.not_sure) or _("none")))
        out.append("")
    if result.warnings:
        out.append(_("Warnings:"))
        out += [_wrap(w, "   ", "- ") for w in result.warnings]
        out.append("")
    out.append(_wrap(_("Rules fired:") + " " + ", ".join(result.fired_rules)))
    out.append("")
    return out
