"""Conditions compiled into nested Python closures: the evaluator for a condition too
deep for Python's compiler to take as generated code (condition_code.py), which a
hostile rules folder can write. Same answers as the reference
(condition_reference.py), slower than the generated functions.
"""

from __future__ import annotations

from .condition_reference import evaluate_test
from .condition_syntax import MULTI_OPERATORS, All, Condition, Test


def true_tests_closure(cond: Condition):
    """A closure equal to ``conditions.true_tests(cond, facts)`` for every ``facts``."""
    return _only_if_true(_compile_with_tests(cond))


def closure(cond: Condition):
    """A closure equal to ``evaluate_reference(cond, facts)`` for every ``facts``."""
    if isinstance(cond, Test):
        return _compile_test(cond)
    parts = tuple(closure(part) for part in (cond.all if isinstance(cond, All) else cond.any))
    # all: one false part decides (False); any: one true part decides (True)
    decisive = not isinstance(cond, All)

    def combined(facts: dict) -> bool | None:
        unknown = False
        for part in parts:
            value = part(facts)
            if value is decisive:
                return decisive
            if value is None:
                unknown = True
        return None if unknown else not decisive
    return combined


def _compile_test(test: Test):
    """A closure equal to ``evaluate_test(test, facts)`` for every ``facts``."""
    name, op = test.name, test.op
    if op in ("has", "has_any"):  # the commonest tests of the v3 rules: no detour
        wanted = tuple(test.values())

        def includes(facts):
            have = facts.get(name)
            if have is None:
                return None
            items = have if isinstance(have, list) else (have,)
            return any(w in items for w in wanted)
        return includes
    if op in MULTI_OPERATORS or op == "known":
        return lambda facts: evaluate_test(test, facts)
    want = test.value
    if op == "is":
        def check(facts):
            have = facts.get(name)
            return None if have is None else have == want
    elif op == "is_not":
        def check(facts):
            have = facts.get(name)
            return None if have is None else have != want
    elif op in ("in", "not_in"):
        wanted, inside = tuple(want), op == "in"
        def check(facts):
            have = facts.get(name)
            return None if have is None else (have in wanted) == inside
    else:
        return lambda facts: evaluate_test(test, facts)
    return check



def _only_if_true(walk):
    def true_tests(facts: dict) -> list[Test]:
        value, found = walk(facts)
        return found if value else []
    return true_tests
_NONE: list = []


def _compile_with_tests(cond: Condition):
    """A closure equal to ``evaluate_with_tests(cond, facts)`` for every ``facts``."""
    if isinstance(cond, Test):
        check = _compile_test(cond)
        found = [cond]

        def leaf(facts):
            value = check(facts)
            return value, (found if value else _NONE)
        return leaf
    parts = tuple(_compile_with_tests(p) for p in (cond.all if isinstance(cond, All) else cond.any))
    if isinstance(cond, All):
        def every(facts):
            unknown, found = False, []
            for part in parts:
                value, tests = part(facts)
                if value is False:
                    return False, _NONE
                if value is None:
                    unknown = True
                elif not unknown:
                    found += tests
            return (None, _NONE) if unknown else (True, found)
        return every

    def some(facts):
        unknown, found = False, []
        for part in parts:
            value, tests = part(facts)
            if value:
                found += tests
            elif value is None:
                unknown = True
        if found:
            return True, found
        return (None if unknown else False), _NONE
    return some
