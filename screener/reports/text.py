"""Plain text for a terminal: triage first, then factors with reasons in plain words.

The person view is plain language. The clinician view adds rule ids, sources, derived
facts, factors held back by an exception, every fired rule and the ruleset stamp. An
urgent result shows the person only the urgent message and why.
"""

from __future__ import annotations

import textwrap

from .content import EXPLAINED_LEVELS, completeness_line, held_back_label, no_factors_text

EXTENSION = ".txt"
BINARY = False
WIDTH = 78

DISCLAIMER = (
    "This is a screening, not a diagnosis. It lists possible contributing factors to "
    "discuss with a clinician (a doctor, nurse, pharmacist or dietitian), who can judge "
    "whether any test is appropriate. It does not recommend any supplement or amount.")


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
        lines.append(indent + "  You answered:")
        lines += answer_lines(ev.answers, ruleset, indent + "    ")
    if clinician:
        if ev.facts:
            facts = ", ".join(f"{k}={v}" for k, v in ev.facts.items())
            lines.append(_wrap(f"Facts used: {facts}", indent + "  "))
        lines.append(_wrap(f"Sources: {', '.join(ev.sources)}", indent + "  "))
    return lines


def render(result, ruleset, view: str) -> str:
    clinician = view == "clinician"
    t = result.triage_detail
    out = [f"RESULT: {t.title.upper()}", "", _wrap(t.message), ""]
    completeness = completeness_line(result, clinician)
    if completeness:
        out += [_wrap(completeness), ""]
    if result.triggered_by and result.triage in EXPLAINED_LEVELS:
        out.append("Why:")
        for ev in result.triggered_by:
            out += _evidence(ev, ruleset, clinician)
        out.append("")
    if result.triage == "urgent" and not clinician:
        return "\n".join(out).rstrip() + "\n"

    if result.factors:
        out += ["Possible contributing factors", "-" * 29]
        for n, f in enumerate(result.factors, 1):
            strength = "several signs" if f.strength == "several" else "some signs"
            out.append(f"{n}. {f.label} ({strength})" + (f"  [{f.id}]" if clinician else ""))
            out.append(_wrap(f.summary, "   "))
            out.append("   Why:")
            for ev in f.indicators:
                out += _evidence(ev, ruleset, clinician, "   ")
            if f.consistent_symptoms:
                out.append(_wrap("Symptoms you mentioned that can fit (they do not raise the "
                                 "factor on their own): "
                                 + "; ".join(s.label for s in f.consistent_symptoms), "   "))
            out.append("   Questions to ask your clinician:")
            out += [_wrap(q, "   ", "- ") for q in f.ask]
            out.append("")
    elif result.triage != "urgent":
        out += [_wrap(no_factors_text(result)), ""]

    if result.notes:
        out += ["Notes", "-----"]
        for note in result.notes:
            out.append(_wrap(note.text, "", "* ") + (f"  [{note.id}]" if clinician else ""))
        out.append("")

    if clinician:
        out += _clinician_trail(result, ruleset)
    out += [_wrap(DISCLAIMER), ""]
    out.append(f"Ruleset {result.ruleset.name} {result.ruleset.version} "
               f"({result.ruleset.hash[:12]}), screener {result.tool_version}"
               + (f", screened on {result.screened_on}" if result.screened_on else ""))
    return "\n".join(out).rstrip() + "\n"


def _clinician_trail(result, ruleset) -> list[str]:
    out = []
    if result.triage not in EXPLAINED_LEVELS:
        out.append("Triage decision:")
        for ev in result.triggered_by:
            out += _evidence(ev, ruleset, True)
        out.append("")
    if result.held_back:
        out.append("Factors with indicators that were not raised:")
        for h in result.held_back:
            out.append(f"   {held_back_label(h.id)} [{h.id}]: indicators "
                       + ", ".join(e.rule for e in h.indicators))
            for ev in h.because:
                out += _evidence(ev, ruleset, True, "     ")
        out.append("")
    if result.derived_facts:
        out.append("Derived facts:")
        for ev in result.derived_facts:
            out += _evidence(ev, ruleset, True)
        out.append("")
    if result.unanswered or result.not_sure:
        out.append("Unanswered: " + (", ".join(result.unanswered) or "none"))
        out.append("Not sure: " + (", ".join(result.not_sure) or "none"))
        out.append("")
    if result.warnings:
        out.append("Warnings:")
        out += [_wrap(w, "   ", "- ") for w in result.warnings]
        out.append("")
    out.append(_wrap("Rules fired: " + ", ".join(result.fired_rules)))
    out.append("")
    return out
