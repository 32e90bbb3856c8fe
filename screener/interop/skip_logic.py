"""Skip logic (``shown_if``) written in another tool's expression language.

The screener skips a question only when its condition is *definitely false*: a test on
an unanswered question is unknown, and unknown shows the question (spec 0.1). A form
tool evaluates with blanks instead, so each test is written as "true, or the question
it reads is still blank", which keeps the meaning exactly (Kleene logic: ``all`` is not
false when no part is false, ``any`` when some part is not false).

Two dialects, one walk:

- ``REDCAP``: REDCap branching logic (``[age_years] >= 12``, checkbox options as
  ``[medicines(ppi)] = '1'``; a checkbox question is blank when no option is ticked);
- ``XLSFORM``: XLSForm ``relevant`` expressions (``${age_years} >= 12``,
  ``selected(${medicines}, 'ppi')``).

A condition on something that is not a question (a derived fact) cannot be written:
``Unmappable`` is raised and the caller leaves the item always shown, saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..ruleset.conditions import All, AnyOf, Condition, Test


class Unmappable(ValueError):
    """A condition the target language cannot express."""


@dataclass(frozen=True)
class Dialect:
    name: str
    ref: Callable[[str], str]  # question id -> reference
    option: Callable[[str, str], str]  # (multi question id, code) -> "code is ticked"
    unticked: Callable[[str, str], str]  # (multi question id, code) -> "code is not ticked"
    ne: str  # not-equal operator
    and_: str = " and "
    or_: str = " or "

    def answered_any(self, question, codes: set) -> str:
        """True when the question's answer is (or, for a multi, ticks) any of the codes:
        how the exports show an urgent advice note right under a red-flag answer."""
        if question.type == "multi":
            parts = [self.option(question.id, c) for c in question.codes if c in codes]
        else:
            parts = [f"{self.ref(question.id)} = '{c}'" for c in question.codes if c in codes]
        return self.or_.join(parts)


REDCAP = Dialect(
    name="REDCap branching logic",
    ref=lambda q: f"[{q}]",
    option=lambda q, c: f"[{q}({c})] = '1'",
    unticked=lambda q, c: f"[{q}({c})] = '0'",
    ne="<>")

XLSFORM = Dialect(
    name="XLSForm relevance",
    ref=lambda q: f"${{{q}}}",
    option=lambda q, c: f"selected(${{{q}}}, '{c}')",
    unticked=lambda q, c: f"not(selected(${{{q}}}, '{c}'))",
    ne="!=")

_COMPARE = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}


def _literal(question, value) -> str:
    if question.type == "int":
        return str(int(value))
    return "'" + str(value).replace("'", "") + "'"


def _join(parts: list[str], joiner: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def blank(question, d: Dialect) -> str:
    """The question is unanswered (a REDCap checkbox: no option ticked)."""
    if question.type == "multi" and d is REDCAP:
        return _join([d.unticked(question.id, c) for c in question.codes], d.and_)
    return f"{d.ref(question.id)} = ''"


def answered(question, d: Dialect) -> str:
    if question.type == "multi" and d is REDCAP:
        return _join([d.option(question.id, c) for c in question.codes], d.or_)
    return f"{d.ref(question.id)} {d.ne} ''"


def _test(test: Test, questions, d: Dialect) -> str:
    """The test written as "not definitely false"."""
    question = questions.get(test.name)
    if question is None:
        raise Unmappable(f"'{test.name}' is not a question (only answers can be tested)")
    ref, op = d.ref(question.id), test.op
    if op == "known":  # never unknown
        return answered(question, d) if test.value else blank(question, d)
    if question.type == "multi":
        codes = test.values()
        if op in ("has", "has_any"):
            true = _join([d.option(question.id, c) for c in codes], d.or_)
        elif op in ("lacks", "lacks_all"):  # unknown when unanswered or not sure: shown
            return _join([d.unticked(question.id, c) for c in codes], d.and_)
        else:
            raise Unmappable(f"'{op}' on the multi question '{question.id}'")
    elif op in ("is", "in"):
        true = _join([f"{ref} = {_literal(question, v)}" for v in test.values()], d.or_)
    elif op in ("is_not", "not_in"):  # a blank answer already passes
        return _join([f"{ref} {d.ne} {_literal(question, v)}" for v in test.values()], d.and_)
    elif op in _COMPARE:
        true = f"{ref} {_COMPARE[op]} {_literal(question, test.value)}"
    else:
        raise Unmappable(f"the operator '{op}' on '{question.id}'")
    return f"({blank(question, d)}{d.or_}{true})"


def expression(cond: Condition, questions, d: Dialect) -> str:
    """``cond`` as an expression true unless ``cond`` is definitely false."""
    if isinstance(cond, Test):
        return _test(cond, questions, d)
    parts = [expression(p, questions, d) for p in (cond.all if isinstance(cond, All) else cond.any)]
    text = (d.and_ if isinstance(cond, All) else d.or_).join(parts)
    return text if len(parts) == 1 else f"({text})"


def for_forms(cond: Condition) -> Condition:
    """The skip logic as a form needs it: "X, or X unanswered" is just X.

    The screener skips a question only when its shown_if is definitely false, so a test
    on an unanswered item already shows it; the "or unanswered" branch (pregnancy: age
    10 or over, or age unanswered) only says the item is *definitely* shown, for the
    unanswered list. Forms ask the earlier question first and cannot write the branch
    (FHIR has one flat enableWhen list)."""
    if isinstance(cond, Test):
        return cond
    parts = [for_forms(p) for p in (cond.all if isinstance(cond, All) else cond.any)]
    if isinstance(cond, AnyOf):
        tested = {p.name for p in parts if isinstance(p, Test) and p.op != "known"}
        parts = [p for p in parts if not (isinstance(p, Test) and p.op == "known"
                                          and p.value is False and p.name in tested)]
    if len(parts) == 1:
        return parts[0]
    return All(all=parts) if isinstance(cond, All) else AnyOf(any=parts)


def shown_if(question, questions, d: Dialect, problems: list[str]) -> str:
    """The question's shown_if in the dialect ('' when always shown); a condition that
    cannot be written is added to ``problems`` and the question is always shown."""
    if question.shown_if is None:
        return ""
    try:
        text = expression(for_forms(question.shown_if), questions, d)
    except Unmappable as exc:
        problems.append(f"{question.id}: shown_if not exported ({d.name}), the question "
                        f"is always shown: {exc}")
        return ""
    return text[1:-1] if text.startswith("(") and _balanced(text[1:-1]) else text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0
