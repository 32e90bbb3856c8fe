"""Can any answers make a condition true? The search behind the never-fires and
never-concluded checks: a condition as alternatives of conjunctions, each searched for
tests on one name that contradict each other."""

from __future__ import annotations

import math
from itertools import product

from ...ruleset import conditions
from ...ruleset.conditions import All, AnyOf, Test
from ...ruleset.models import NONE, NOT_SURE
from ...ruleset.yaml_spelling import as_yaml

MAX_TERMS = 512  # conditions with more alternatives than this are not searched


def _terms(cond) -> list[list[Test]] | None:
    """The condition as alternatives of conjunctions (None when too many)."""
    if isinstance(cond, Test):
        return [[cond]]
    parts: list[list[list[Test]]] = []
    for child in cond.all if isinstance(cond, All) else cond.any:
        part = _terms(child)
        if part is None:  # too many alternatives below: so too here
            return None
        parts.append(part)
    if isinstance(cond, AnyOf):
        terms = [t for p in parts for t in p]
    else:
        size = math.prod(len(p) for p in parts)
        if size > MAX_TERMS:
            return None
        terms = [[t for chunk in combo for t in chunk] for combo in product(*parts)]
    return terms if len(terms) <= MAX_TERMS else None


def impossible(cond, names: dict[str, dict], bounds) -> str | None:
    """Why ``cond`` can never be true, or None if some answers can make it true.
    ``names``: cross_checks.known_names; ``bounds(name)``: (lowest, highest, whole
    numbers only) of a number, or None."""
    terms = _terms(cond)
    if terms is None:
        return None
    reasons = [_conflict(term, names, bounds) for term in terms]
    return None if any(r is None for r in reasons) else reasons[0]


def _conflict(term: list[Test], names: dict[str, dict], bounds) -> str | None:
    by_name: dict[str, list[Test]] = {}
    for test in term:
        by_name.setdefault(test.name, []).append(test)
    for name, tests in by_name.items():
        info = names.get(name)
        if info is None:
            continue  # unknown names are the loader's problem
        words = " and ".join(conditions.describe(t, _quote) for t in tests)
        if info["kind"] == "multi":
            why = _multi_conflict(tests)
        elif info["kind"] == "number":
            why = _number_conflict(tests, bounds(name))
        elif info["codes"] is not None:
            why = _code_conflict(tests, info["codes"])
        else:
            why = None
        if why:
            return f"{words}: {why}"
    return None


def _quote(name, value) -> str:
    return as_yaml(value)  # as the author wrote it: 'yes', 65, true


def _code_conflict(tests: list[Test], codes: list) -> str | None:
    allowed = set(codes)
    for t in tests:
        known = [v for v in t.values() if v in codes]
        if t.op in ("is", "in") and known:  # a test of unknown codes only: the loader says so
            allowed &= set(known)
        elif t.op in ("is_not", "not_in"):
            allowed -= set(t.values())
    return None if allowed else "no answer can be all of these"


def _number_conflict(tests: list[Test], bounds) -> str | None:
    lo, hi, whole = bounds or (-math.inf, math.inf, False)
    lo_strict = hi_strict = False
    equal, excluded = None, set()
    is_number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    for t in tests:
        if t.op in ("is", "in"):
            values = {v for v in t.values() if is_number(v)}
            if not values:
                return ("it is a number, so it never equals "
                        + ", ".join(map(_quote_value, t.values())))
            equal = values if equal is None else equal & values
        elif t.op in ("is_not", "not_in"):
            excluded |= set(t.values())
        elif t.op in ("gt", "gte") and (t.value > lo or (t.value == lo and t.op == "gt")):
            lo, lo_strict = t.value, t.op == "gt"
        elif t.op in ("lt", "lte") and (t.value < hi or (t.value == hi and t.op == "lt")):
            hi, hi_strict = t.value, t.op == "lt"
    if whole:
        lo = math.floor(lo) + 1 if lo_strict and lo == math.floor(lo) else math.ceil(lo)
        hi = math.ceil(hi) - 1 if hi_strict and hi == math.ceil(hi) else math.floor(hi)
        lo_strict = hi_strict = False
    within = lambda v: (v > lo if lo_strict else v >= lo) and (v < hi if hi_strict else v <= hi)  # noqa: E731
    limits = "" if bounds is None else f" (it ranges from {bounds[0]} to {bounds[1]})"
    if equal is not None:
        if not any(within(v) and v not in excluded for v in equal):
            return "no number fits all of these" + limits
        return None
    if lo > hi or (lo == hi and (lo_strict or hi_strict or lo in excluded)):
        return "no number fits all of these" + limits
    return None


def _quote_value(value) -> str:
    return f"'{value}'"


def _multi_conflict(tests: list[Test]) -> str | None:
    has, lacks, any_of = set(), set(), []
    for t in tests:
        if t.op == "has":
            has.add(t.value)
        elif t.op == "has_any":
            any_of.append(set(t.value))
        else:
            lacks |= set(t.values())
    if has & lacks:
        both = sorted(has & lacks, key=str)
        return "an answer cannot both include and lack " + ", ".join(map(_quote_value, both))
    for group in any_of:
        if group <= lacks:
            return "every code it could include is excluded"
    for alone in (NONE, NOT_SURE):
        if alone in has and len(has) > 1:
            return f"'{alone}' is never chosen together with another code"
    return None
