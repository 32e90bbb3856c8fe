"""The condition language used by rules (``when``) and skip logic (``shown_if``): one
name for each of its stages, and the evaluator screening runs.

- condition_syntax.py: the written form, its operators, ``parse``, ``tests``, ``names``;
- condition_reference.py: what a condition means (three-valued: a test on a missing
  answer is *unknown*), read the plain way;
- condition_code.py: conditions compiled into generated Python functions (the fast
  path), condition_closures.py the closures for one too deep for them;
- condition_json.py: a condition as durable-rules JSON;
- condition_words.py: a condition in words for people.

Unknown is never "no": a rule fires only when its condition is definitely true, and a
question is skipped only when its ``shown_if`` is definitely false. Nothing of the
condition language imports this module, so the stages stay one way.
"""

from __future__ import annotations

from typing import Any

from .condition_closures import closure, true_tests_closure
from .condition_code import condition_function, true_tests_function
from .condition_json import compile_condition
from .condition_reference import evaluate_reference, evaluate_test, evaluate_with_tests
from .condition_syntax import (
    LIST_OPERATORS,
    MULTI_OPERATORS,
    NOT_SURE,
    NUMBER_OPERATORS,
    OPERATORS,
    All,
    AnyOf,
    Condition,
    Scalar,
    Test,
    names,
    parse,
    tests,
)
from .condition_words import describe, in_one_line

__all__ = [
    "LIST_OPERATORS", "MULTI_OPERATORS", "NOT_SURE", "NUMBER_OPERATORS", "OPERATORS", "All",
    "AnyOf", "Condition", "Scalar", "Test", "compile_condition", "describe", "evaluate",
    "evaluate_reference", "evaluate_test", "evaluate_with_tests", "in_one_line", "names",
    "parse", "tests", "true_tests",
]

_evaluate_with_tests = evaluate_with_tests  # its name before the split (tests use it)


def evaluate(cond: Condition, facts: dict) -> bool | None:
    """Three-valued (Kleene) evaluation: None means unknown.

    Runs the condition compiled once into one generated Python function
    (condition_code.py; nested closures, condition_closures.py, for a condition too deep
    for Python's compiler): screening evaluates skip logic, notes and risks many times
    per answer set. The result is ``evaluate_reference``'s.
    """
    entry = _compiled.get(id(cond))
    if entry is None:
        entry = _compiled[id(cond)] = (cond, condition_function(cond) or closure(cond))
    return entry[1](facts)  # cond kept in the entry: its id stays unique


_compiled: dict[int, tuple[Any, Any]] = {}


def true_tests(cond: Condition, facts: dict) -> list[Test]:
    """The leaf tests that made a true condition true: the evidence to show (every part
    of a true ``all``, the true parts of a true ``any``). Empty unless true.

    Compiled once per condition into one generated function like ``evaluate`` (every
    fired rule of every screening builds its evidence from this; the v3 rules read the
    worse way are long). ``evaluate_with_tests`` is the plain reference."""
    entry = _compiled_tests.get(id(cond))
    if entry is None:
        made = true_tests_function(cond) or true_tests_closure(cond)
        entry = _compiled_tests[id(cond)] = (cond, made)
    return entry[1](facts)


_compiled_tests: dict[int, tuple[Any, Any]] = {}
