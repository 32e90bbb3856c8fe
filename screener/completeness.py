"""Which shown questions were left unanswered, and whether a screening is complete
(spec sections 5 and 6). No I/O.

Two computed inputs are counted from here (``unanswered_count`` and ``complete``, see
facts.py) and the result reports the same lists and counts, so both read one module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from . import conditions
from .models import NOT_SURE, RuleSet
from .result import Completeness

#: the urgent check (asked first): unanswered, a screening is never complete (spec 5, v3)
URGENT_CHECK = "red_flags_now"

if TYPE_CHECKING:  # answers imports loading, which imports facts, which imports us
    from .answers import ValidatedAnswers


class _Bank(NamedTuple):
    """The question lists these counts walk, built once per ruleset (they were linear
    scans on every screening)."""

    listable: list  # questions N-UNANSWERED may list (all but those with a default)
    countable: list  # questions completeness may count (also not optional, not excluded)
    conditional: list  # questions with skip logic
    order: dict[str, int]  # question id -> position in the bank


_banks: dict[str, _Bank] = {}


def _bank(ruleset: RuleSet) -> _Bank:
    key = ruleset.content_hash
    if key not in _banks:
        questions = ruleset.questions
        _banks[key] = _Bank(
            listable=[q for q in questions if q.default is None],
            countable=[q for q in questions
                       if q.default is None and not q.optional and q.counted],
            conditional=[q for q in questions if q.shown_if is not None],
            order={qid: i for i, qid in enumerate(questions.by_id)})
    return _banks[key]


def question_order(ruleset: RuleSet) -> dict[str, int]:
    """Question id -> its position in the bank (answers are shown in this order)."""
    return _bank(ruleset).order


def _hidden(values: dict, bank: _Bank) -> set[str]:
    """Items whose skip logic is not definitely true (false or unknown). Spec 5: only
    items definitely shown are listed as unanswered and counted."""
    return {q.id for q in bank.conditional
            if conditions.evaluate(q.shown_if, values) is not True}


def _is_unsure(value: Any) -> bool:
    return value == NOT_SURE or value == [NOT_SURE]


def unanswered(answers: ValidatedAnswers, ruleset: RuleSet) -> tuple[list[str], list[str]]:
    """(shown questions left unanswered, questions answered not_sure), in bank order.

    Spec 6 (N-UNANSWERED): every item shown to the person, height and weight included;
    the date (which defaults to today) is never missing.
    """
    values = answers.values
    bank = _bank(ruleset)
    hidden = _hidden(values, bank)
    missing = [q.id for q in bank.listable if q.id not in values and q.id not in hidden]
    unsure = sorted((qid for qid, value in values.items() if _is_unsure(value)),
                    key=bank.order.__getitem__)
    return missing, unsure


def completeness(answers: ValidatedAnswers, ruleset: RuleSet) -> Completeness:
    """Counted items and how many of them are unanswered or not_sure (spec section 5).

    Counted: every item whose skip logic definitely shows it, except optional items
    (height, weight) and items with a default (the date).
    """
    counted, missing = _count(answers.values, _bank(ruleset))
    return Completeness(counted=counted, missing=missing)


def _count(values: dict, bank: _Bank) -> tuple[int, int]:
    hidden = _hidden(values, bank)
    counted = [q.id for q in bank.countable if q.id not in hidden and (
        q.counted_if is None or conditions.evaluate(q.counted_if, values) is True)]
    missing = [qid for qid in counted if qid not in values or _is_unsure(values[qid])]
    return len(counted), len(missing)


def is_complete(answers: ValidatedAnswers, ruleset: RuleSet,
                count: Completeness | None = None) -> bool:
    """Spec 5: incomplete when age is unanswered, medicines unanswered or not sure, the
    urgent check unanswered (v3), or more than a quarter of the counted items are
    unanswered or not sure."""
    values = answers.values
    if values.get("age_years") is None or values.get("medicines") is None \
            or _is_unsure(values["medicines"]) or values.get(URGENT_CHECK) is None:
        return False
    counted, missing = ((count.counted, count.missing) if count
                        else _count(values, _bank(ruleset)))
    return missing * 4 <= counted
