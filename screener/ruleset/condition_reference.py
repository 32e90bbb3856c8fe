"""What a condition means, read the plain way by walking its objects: three-valued
(Kleene), a test on a missing answer is *unknown*.

This is the reference: the generated functions (condition_code.py) and the closures
(condition_closures.py) that screening runs are tested against it. Unknown is never
"no": a rule fires only when its condition is definitely true, and a question is
skipped only when its ``shown_if`` is definitely false.
"""

from __future__ import annotations

from .condition_syntax import MULTI_OPERATORS, NOT_SURE, All, Condition, Test


def evaluate_test(test: Test, facts: dict) -> bool | None:
    """True, False, or None when the name has no value (unknown).

    Spec 0.1: a test on an unanswered item or an unknown fact is unknown, whatever the
    operator; only ``known`` asks about the missing value itself, so it is never unknown.
    """
    have = facts.get(test.name)
    op, want = test.op, test.value
    if op == "known":
        return (have is not None) == want
    if have is None:
        return None
    if op in MULTI_OPERATORS:
        items = have if isinstance(have, list) else [have]
        if op == "has":
            return want in items
        if op == "has_any":
            return any(w in items for w in want)
        if NOT_SURE in items:  # "lacks" on not_sure: the person may take it
            return None
        if op == "lacks":
            return want not in items
        return all(w not in items for w in want)
    if op == "is":
        return have == want
    if op == "is_not":
        return have != want
    if op == "in":
        return have in want
    if op == "not_in":
        return have not in want
    if isinstance(have, bool) or not isinstance(have, (int, float)):
        return False  # e.g. comparing a code with a number: never true
    return {"gte": have >= want, "gt": have > want, "lte": have <= want, "lt": have < want}[op]


def evaluate_reference(cond: Condition, facts: dict) -> bool | None:
    """Three-valued evaluation the plain way, walking the objects: the reference the
    compiled forms are tested against (slow; not used by screening)."""
    if isinstance(cond, Test):
        return evaluate_test(cond, facts)
    values = [evaluate_reference(part, facts) for part in
              (cond.all if isinstance(cond, All) else cond.any)]
    decisive = not isinstance(cond, All)  # all: a False decides; any: a True
    if decisive in values:
        return decisive
    return None if None in values else not decisive



def evaluate_with_tests(cond: Condition, facts: dict) -> tuple[bool | None, list[Test]]:
    """``evaluate_reference`` and the true leaf tests (``conditions.true_tests``) in
    one pass: the reference of the evidence trail."""
    if isinstance(cond, Test):
        value = evaluate_test(cond, facts)
        return value, [cond] if value else []
    parts = [evaluate_with_tests(p, facts)
             for p in (cond.all if isinstance(cond, All) else cond.any)]
    values = [v for v, _ in parts]
    if isinstance(cond, All):
        if False in values:
            return False, []
        if None in values:
            return None, []
        return True, [t for _, found in parts for t in found]
    if True in values:
        return True, [t for v, found in parts if v for t in found]
    return (None if None in values else False), []
