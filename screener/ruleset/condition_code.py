"""Conditions compiled into generated Python functions, built once per condition or per
rule layer: the fast path of the Python evaluator and of the checks both engines share.

Spec 0.1 reads a condition three-valued (a test on a missing answer is unknown). Two
plain boolean expressions decide it, with no "unknown" value in them:

- *definitely true*: a test whose name has a value and passes; every part of an
  ``all``; some part of an ``any``;
- *definitely false*: a test whose name has a value and fails (``lacks`` on a list
  holding ``not_sure`` is neither); some part of an ``all``; every part of an ``any``.

A condition is True when the first holds, False when the second does, else unknown.
Python's ``and`` / ``or`` short-circuit both, and each name read is fetched from the
facts once, at the top of the function. The meaning of each operator is
``condition_reference.evaluate_test``'s; tests/test_condition_code.py holds every generated
function to that reference over thousands of generated fact sets.

Generated source only ever holds ``repr()`` of strings, whole numbers, finite floats
and booleans (names, codes, rule ids), so no rule text can become code. A condition
too deep for Python's compiler (a hostile rules folder) keeps the closure evaluator of
condition_closures.py: same answers, slower.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .condition_closures import closure
from .condition_syntax import NOT_SURE, All, Condition, Test

Facts = dict[str, Any]


class _Source:
    """The names one generated function reads, each fetched once into a local."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}  # fact name -> local holding its value
        self.lists: dict[str, str] = {}  # fact name -> local holding it as a sequence
        self.constants: dict[str, Any] = {}  # values repr() cannot spell (nan, inf)

    def value(self, name: str) -> str:
        if name not in self.values:
            self.values[name] = f"v{len(self.values)}"
        return self.values[name]

    def items(self, name: str) -> str:
        """The local holding the value as a list (a single code reads as a one-item list,
        as evaluate_test's multi operators read it)."""
        self.value(name)
        if name not in self.lists:
            self.lists[name] = f"l{len(self.lists)}"
        return self.lists[name]

    def literal(self, value: Any) -> str:
        if isinstance(value, (bool, int, str)) or (isinstance(value, float)
                                                    and math.isfinite(value)):
            return repr(value)
        local = f"c{len(self.constants)}"
        self.constants[local] = value
        return local

    def prelude(self, indent: str = "    ") -> str:
        lines = [f"{indent}{local} = f.get({name!r})" for name, local in self.values.items()]
        lines += [f"{indent}{local} = {self.values[name]} if isinstance({self.values[name]}, list) "
                  f"else ({self.values[name]},)" for name, local in self.lists.items()]
        return "\n".join(lines)


def definitely(cond: Condition, truth: bool, src: _Source) -> str:
    """A Python expression: the condition is definitely ``truth`` (True or False)."""
    if isinstance(cond, Test):
        return _test(cond, truth, src)
    parts = cond.all if isinstance(cond, All) else cond.any
    # all: true when every part is, false when some part is; any: the other way round
    joiner = " and " if isinstance(cond, All) == truth else " or "
    return "(" + joiner.join(definitely(part, truth, src) for part in parts) + ")"


def _any_of(codes: list, items: str, src: _Source) -> str:
    return "(" + " or ".join(f"{src.literal(code)} in {items}" for code in codes) + ")"


def _test(test: Test, truth: bool, src: _Source) -> str:
    """One test, read as evaluate_test reads it (None there is neither true nor false)."""
    op, want = test.op, test.value
    v = src.value(test.name)
    if op == "known":  # never unknown
        return f"({v} is not None) == {bool(want) == truth}"
    has = f"{v} is not None"
    if op in ("has", "has_any", "lacks", "lacks_all"):
        items = src.items(test.name)
        codes = list(want) if isinstance(want, list) else [want]
        found = _any_of(codes, items, src)
        if op in ("has", "has_any"):
            return f"({has} and {'' if truth else 'not '}{found})"
        # lacks: a list holding not_sure lacks nothing for sure, and has nothing for sure
        return f"({has} and {NOT_SURE!r} not in {items} and {'not ' if truth else ''}{found})"
    if op in ("is", "is_not", "in", "not_in"):
        if op in ("is", "is_not"):
            matches = f"{v} == {src.literal(want)}"
        else:
            matches = f"{v} in ({''.join(src.literal(w) + ', ' for w in want)})"
        positive = (op in ("is", "in")) == truth
        return f"({has} and {'' if positive else 'not '}({matches}))"
    # gte, gt, lte, lt: a value that is not a number (a code, a boolean) never passes
    symbol = {"gte": ">=", "gt": ">", "lte": "<=", "lt": "<"}[op]
    number = f"not isinstance({v}, bool) and isinstance({v}, (int, float))"
    passes = f"{v} {symbol} {src.literal(want)}"
    if truth:
        return f"({has} and {number} and {passes})"
    return f"({has} and not ({number} and {passes}))"


def _build(body: str, src: _Source, name: str) -> Callable:
    source = f"def {name}(f):\n{src.prelude()}\n{body}\n"
    namespace: dict[str, Any] = dict(src.constants)
    exec(compile(source, f"<screener: {name}>", "exec"), namespace)  # noqa: S102 - see the module doc
    return namespace[name]


_TOO_DEEP = (SyntaxError, RecursionError, MemoryError)  # Python's compiler limits


def _evaluator(cond: Condition) -> Callable[[Facts], bool | None]:
    """One condition alone, when a whole layer is too deep to generate (as
    conditions.evaluate reads it: generated if it can be, else closures)."""
    return condition_function(cond) or closure(cond)


def condition_function(cond: Condition) -> Callable[[Facts], bool | None] | None:
    """``facts -> True / False / None`` (unknown), or None when Python cannot compile it."""
    src = _Source()
    try:
        body = (f"    if {definitely(cond, True, src)}:\n        return True\n"
                f"    if {definitely(cond, False, src)}:\n        return False\n"
                "    return None")
        return _build(body, src, "condition")
    except _TOO_DEEP:
        return None  # condition_closures.py answers instead


def layer_function(rules: list[tuple[str, Condition]]) -> Callable[[Facts], list[str]]:
    """``facts -> ids of the rules that definitely hold``, in the order given: one rule
    layer of the Python engine."""
    try:
        src = _Source()
        lines = ["    fired = []"]
        for rule_id, cond in rules:
            lines.append(f"    if {definitely(cond, True, src)}:\n"
                         f"        fired.append({rule_id!r})")
        lines.append("    return fired")
        return _build("\n".join(lines), src, "fire_layer")
    except _TOO_DEEP:
        checks = [(rule_id, _evaluator(cond)) for rule_id, cond in rules]
        return lambda facts: [rule_id for rule_id, holds in checks if holds(facts) is True]


def settle_function(groups: list[tuple[str, list[Condition]]]) -> Callable[[Facts], None]:
    """``facts -> None``: each derived fact (its name, the conditions of every rule
    concluding it) that is not true becomes False when every condition is definitely
    false, else unknown (removed). Spec 0.1: never false from a missing answer."""
    try:
        src = _Source()
        lines = [f"    if f.get({name!r}) is not True:\n"
                 f"        if {' and '.join(definitely(c, False, src) for c in conds)}:\n"
                 f"            f[{name!r}] = False\n"
                 f"        else:\n            f.pop({name!r}, None)"
                 for name, conds in groups]
        return _build("\n".join(lines) or "    pass", src, "settle_layer")
    except _TOO_DEEP:
        evaluators = [(name, [_evaluator(c) for c in conds]) for name, conds in groups]

        def settle(facts: Facts) -> None:
            for name, conds in evaluators:
                if facts.get(name) is True:
                    continue
                if all(holds(facts) is False for holds in conds):
                    facts[name] = False
                else:
                    facts.pop(name, None)
        return settle


def fact_function(reads: list[tuple[str, bool]]) -> Callable[[Facts], dict]:
    """``facts -> the fact durable is given`` for a layer reading ``reads`` ((name, sent
    as a one-item list) pairs): every known name, unknown ones left out (a test on a
    missing attribute never matches in durable: unknown never fires)."""
    lines = ["    fact = {}"]
    for name, as_list in reads:
        lines.append(f"    x = f.get({name!r})\n    if x is not None:\n"
                     f"        fact[{name!r}] = {'[x]' if as_list else 'x'}")
    lines.append("    return fact")
    return _build("\n".join(lines), _Source(), "fact_for_layer")


def true_tests_function(cond: Condition) -> Callable[[Facts], list] | None:
    """``facts -> the leaf tests that made the condition true`` (every part of a true
    ``all``, the true parts of a true ``any``; empty unless true): the evidence trail of
    a fired rule, as conditions.true_tests defines it. None when Python cannot compile it."""
    src = _Source()
    leaves: dict[str, Test] = {}

    def collect(part: Condition, indent: str) -> list[str]:
        if isinstance(part, Test):
            local = f"t{len(leaves)}"
            leaves[local] = part
            return [f"{indent}out.append({local})"]
        if isinstance(part, All):  # a true "all": every part is true
            return [line for inner in part.all for line in collect(inner, indent)]
        lines = []
        for inner in part.any:  # a true "any": the parts that are true
            lines.append(f"{indent}if {definitely(inner, True, src)}:")
            lines += collect(inner, indent + "    ")
        return lines
    try:
        body = [f"    if not {definitely(cond, True, src)}:\n        return []", "    out = []",
                *collect(cond, "    "), "    return out"]
        src.constants.update(leaves)
        return _build("\n".join(body), src, "true_tests")
    except _TOO_DEEP:
        return None


def not_true_function(items: list[tuple[str, Condition]]) -> Callable[[Facts], set[str]]:
    """``facts -> the names whose condition is not definitely true`` (false or unknown):
    the questions hidden by their skip logic (spec 5), every one read in one call."""
    try:
        src = _Source()
        lines = ["    out = set()"]
        lines += [f"    if not {definitely(cond, True, src)}:\n        out.add({name!r})"
                  for name, cond in items]
        lines.append("    return out")
        return _build("\n".join(lines), src, "not_true")
    except _TOO_DEEP:
        checks = [(name, _evaluator(cond)) for name, cond in items]
        return lambda facts: {name for name, holds in checks if holds(facts) is not True}
