"""Which shown questions were left unanswered, and whether a screening is complete
(spec sections 5 and 6). No I/O.

Two computed inputs are counted from here (``unanswered_count`` and ``complete``, see
facts.py) and the result reports the same lists and counts, so both read one module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from .result import Completeness
from .ruleset import conditions
from .ruleset.condition_code import not_true_function
from .ruleset.models import NOT_SURE, RuleSet

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
    hidden: Any  # answers -> ids of the questions their skip logic does not show for sure
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
            hidden=not_true_function([(q.id, q.shown_if) for q in questions
                                      if q.shown_if is not None]),
            order={qid: i for i, qid in enumerate(questions.by_id)})
    return _banks[key]


def question_order(ruleset: RuleSet) -> dict[str, int]:
    """Question id -> its position in the bank (answers are shown in this order)."""
    return _bank(ruleset).order


class _Tally(NamedTuple):
    """Everything these counts need of one set of answers, computed in one pass."""

    missing: list[str]  # shown, unanswered, listable (bank order)
    unsure: list[str]  # answered not_sure (bank order)
    counted: int  # items completeness counts
    counted_missing: int  # of those, unanswered or not_sure


def _tally(values: dict, bank: _Bank) -> _Tally:
    """Spec 5: only items definitely shown (skip logic definitely true) are listed as
    unanswered and counted.

    A screening asks for it up to four times (two computed inputs, the result's lists
    and counts) on the same validated answers, which are never changed once made: the
    last tally is kept (by identity; the dict is held, so its id cannot be reused)."""
    global _last_tally
    last = _last_tally  # one read: another thread may replace it (never change it)
    if last[0] is values and last[1] is bank:
        return last[2]
    evaluate = conditions.evaluate
    hidden = bank.hidden(values)
    missing = [q.id for q in bank.listable if q.id not in values and q.id not in hidden]
    unsure = sorted((qid for qid, value in values.items()
                     if value == NOT_SURE or value == _UNSURE_LIST), key=bank.order.__getitem__)
    counted = [q.id for q in bank.countable if q.id not in hidden and (
        q.counted_if is None or evaluate(q.counted_if, values) is True)]
    counted_missing = sum(1 for qid in counted if qid not in values or _is_unsure(values[qid]))
    tally = _Tally(missing, unsure, len(counted), counted_missing)
    _last_tally = (values, bank, tally)
    return tally


_last_tally: tuple = (None, None, None)
_UNSURE_LIST = [NOT_SURE]


def _is_unsure(value: Any) -> bool:
    return value == NOT_SURE or value == _UNSURE_LIST


def unanswered(answers: ValidatedAnswers, ruleset: RuleSet) -> tuple[list[str], list[str]]:
    """(shown questions left unanswered, questions answered not_sure), in bank order.

    Spec 6 (N-UNANSWERED): every item shown to the person, height and weight included;
    the date (which defaults to today) is never missing.
    """
    tally = _tally(answers.values, _bank(ruleset))
    return list(tally.missing), list(tally.unsure)  # copies: callers may change theirs


def completeness(answers: ValidatedAnswers, ruleset: RuleSet) -> Completeness:
    """Counted items and how many of them are unanswered or not_sure (spec section 5).

    Counted: every item whose skip logic definitely shows it, except optional items
    (height, weight) and items with a default (the date).
    """
    tally = _tally(answers.values, _bank(ruleset))
    return Completeness(counted=tally.counted, missing=tally.counted_missing)


def is_complete(answers: ValidatedAnswers, ruleset: RuleSet,
                count: Completeness | None = None) -> bool:
    """Spec 5: incomplete when age is unanswered, medicines unanswered or not sure, the
    urgent check unanswered (v3), or more than a quarter of the counted items are
    unanswered or not sure."""
    values = answers.values
    if values.get("age_years") is None or values.get("medicines") is None \
            or _is_unsure(values["medicines"]) or values.get(URGENT_CHECK) is None:
        return False
    if count is None:
        tally = _tally(values, _bank(ruleset))
        return tally.counted_missing * 4 <= tally.counted
    return count.missing * 4 <= count.counted
