"""A condition in words, for the people who review rules (rule cards, lint findings,
warnings)."""

from __future__ import annotations

from .condition_syntax import OPERATORS, All, Condition, Test


def describe(cond: Condition, label=lambda name, value: str(value), indent: str = "") -> str:
    """The condition in words, one test a line, for rule cards and reviews."""
    if isinstance(cond, Test):
        if cond.op == "known":
            state = "is answered" if cond.value else "is unanswered (unknown)"
            return f"{indent}{cond.name} {state}"
        shown = ", ".join(label(cond.name, v) for v in cond.values())
        return f"{indent}{cond.name} {OPERATORS[cond.op]} {shown}"
    if isinstance(cond, All) and cond.ordinary:
        word = "read the ordinary way (not assumed)"
    else:
        word = "all of" if isinstance(cond, All) else "any of"
    inner = [describe(c, label, indent + "  ")
             for c in (cond.all if isinstance(cond, All) else cond.any)]
    return f"{indent}{word}:\n" + "\n".join(inner)


def in_one_line(cond: Condition, label=lambda name, value: str(value)) -> str:
    """The condition in words on one line, nested parts in brackets: "sex_at_birth is not
    male and (age_years is at least 10 or age_years is unanswered (unknown))" (warnings;
    ``describe`` joined on one line loses the nesting)."""
    if isinstance(cond, Test):
        return describe(cond, label)
    parts = cond.all if isinstance(cond, All) else cond.any
    words = [in_one_line(p, label) if isinstance(p, Test) or len(parts) == 1
             else f"({in_one_line(p, label)})" for p in parts]
    return (" and " if isinstance(cond, All) else " or ").join(words)
