"""The condition language used by rules (``when``) and skip logic (``shown_if``).

A condition is written in YAML as a mapping with exactly one key::

    all: [cond, ...]              every condition holds
    any: [cond, ...]              at least one holds
    ordinary: cond                the same condition; inside a triage rule's ``risk`` it
                                  is read the ordinary way, not the worse (spec 0.1)
    <name>: <test>                a test on one answer or fact

A test is a scalar (equals), a list (is one of) or a one-key mapping with an operator
from ``OPERATORS``. This module parses that form into small pydantic objects, evaluates
it in Python (three-valued: a test on a missing answer is *unknown*), lists the names
it reads, and compiles it into durable-rules JSON. It does not import durable.

Unknown is never "no": a rule fires only when its condition is definitely true, and a
question is skipped only when its ``shown_if`` is definitely false.
"""

from __future__ import annotations

import re
from typing import Any, Literal, Union

from ..types import ID_PATTERN, Frozen
from .yaml_spelling import as_yaml

Scalar = Union[bool, int, float, str]

#: operator -> plain words, used in error messages and rule cards.
OPERATORS: dict[str, str] = {
    "is": "is",
    "is_not": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "has": "includes",
    "has_any": "includes any of",
    "lacks": "does not include",
    "lacks_all": "includes none of",
    "gte": "is at least",
    "gt": "is more than",
    "lte": "is at most",
    "lt": "is less than",
    "known": "is known (answered)",
}
LIST_OPERATORS = {"in", "not_in", "has_any", "lacks_all"}
NUMBER_OPERATORS = {"gte", "gt", "lte", "lt"}
MULTI_OPERATORS = {"has", "has_any", "lacks", "lacks_all"}
#: "not sure" is an answer that equals no code (spec 0.1): the person may take the
#: medicine, so on a multi item "lacks X" is unknown rather than true.
NOT_SURE = "not_sure"


class Test(Frozen):
    name: str
    op: Literal[
        "is", "is_not", "in", "not_in", "has", "has_any", "lacks", "lacks_all",
        "gte", "gt", "lte", "lt", "known",
    ]
    value: Any

    def values(self) -> list:
        return list(self.value) if self.op in LIST_OPERATORS else [self.value]


class All(Frozen):
    all: list["Condition"]
    #: written ``ordinary: cond``: evaluates as ``cond``; risk_reading leaves it as read
    ordinary: bool = False


class AnyOf(Frozen):
    any: list["Condition"]


Condition = Union[All, AnyOf, Test]
# The "Condition" forward reference is resolved when a model is first used (defer_build):
# the interactive questionnaire can then start without building any schema.


def parse(raw: Any) -> Condition:
    """Turn the YAML form into condition objects; raise ValueError in plain words."""
    if isinstance(raw, (All, AnyOf, Test)):
        return raw
    if not isinstance(raw, dict) or len(raw) != 1:
        raise ValueError(
            "a condition is a mapping with exactly one key: 'all', 'any', 'ordinary' or "
            f"an answer name (got {_show(raw)})"
        )
    (key, body), = raw.items()
    if key == "ordinary":
        return All(all=[parse(body)], ordinary=True)
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            raise ValueError(f"'{key}' needs a non-empty list of conditions")
        parts = [parse(item) for item in body]
        return All(all=parts) if key == "all" else AnyOf(any=parts)
    if not isinstance(key, str):
        raise ValueError(f"condition key must be a name, got {_show(key)}")
    if isinstance(body, dict):
        if len(body) != 1:
            raise ValueError(f"the test on '{key}' must have exactly one operator, got {_show(body)}")
        (op, value), = body.items()
        if op not in OPERATORS:
            raise ValueError(
                f"unknown operator '{op}' on '{key}'; use one of: {', '.join(OPERATORS)}"
            )
    elif isinstance(body, list):
        op, value = "in", body
    else:
        op, value = "is", body
    if op in LIST_OPERATORS and (not isinstance(value, list) or not value):
        raise ValueError(f"'{op}' on '{key}' needs a non-empty list")
    if op not in LIST_OPERATORS and isinstance(value, (list, dict)):
        raise ValueError(f"'{op}' on '{key}' needs a single value, got {_show(value)}")
    if op in NUMBER_OPERATORS and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValueError(f"'{op}' on '{key}' needs a number, got {_show(value)}")
    if op == "known" and not isinstance(value, bool):
        raise ValueError(f"'known' on '{key}' needs true or false, got {_show(value)}")
    for item in value if isinstance(value, list) else [value]:
        if item is None or isinstance(item, (list, dict)):
            raise ValueError(f"'{op}' on '{key}' has an empty or nested value")
    return Test(name=key, op=op, value=value)


def _show(value: Any) -> str:
    return as_yaml(value)  # spelt as in the YAML the author wrote: true, not True


def tests(cond: Condition):
    """Every leaf test, in order."""
    if isinstance(cond, Test):
        yield cond
    else:
        for part in cond.all if isinstance(cond, All) else cond.any:
            yield from tests(part)


def names(cond: Condition) -> list[str]:
    """The answer and fact names a condition reads, in first-use order."""
    return list(dict.fromkeys(t.name for t in tests(cond)))


# ---------------------------------------------------------------- evaluation (Python)

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


def evaluate(cond: Condition, facts: dict) -> bool | None:
    """Three-valued (Kleene) evaluation: None means unknown.

    Runs the condition compiled once into one generated Python function
    (ruleset/condition_code.py; nested closures, ``_compile``, for a condition too deep for Python's
    compiler): screening evaluates skip logic, notes and risks many times per answer
    set. The result is ``evaluate_test`` combined as ``evaluate_reference`` combines it.
    """
    entry = _compiled.get(id(cond))
    if entry is None:
        from .condition_code import condition_function

        entry = _compiled[id(cond)] = (cond, condition_function(cond) or _compile(cond))
    return entry[1](facts)  # cond kept in the entry: its id stays unique


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


_compiled: dict[int, tuple[Any, Any]] = {}


def _compile(cond: Condition):
    if isinstance(cond, Test):
        return _compile_test(cond)
    parts = tuple(_compile(part) for part in (cond.all if isinstance(cond, All) else cond.any))
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


def true_tests(cond: Condition, facts: dict) -> list[Test]:
    """The leaf tests that made a true condition true: the evidence to show (every part
    of a true ``all``, the true parts of a true ``any``). Empty unless true.

    Compiled once per condition into one generated function like ``evaluate`` (every
    fired rule of every screening builds its evidence from this; the v3 rules read the
    worse way are long). ``_evaluate_with_tests`` is the plain reference."""
    entry = _compiled_tests.get(id(cond))
    if entry is None:
        from .condition_code import true_tests_function

        made = true_tests_function(cond)
        if made is None:  # too deep for Python's compiler: the closures
            made = _only_if_true(_compile_with_tests(cond))
        entry = _compiled_tests[id(cond)] = (cond, made)
    return entry[1](facts)


_compiled_tests: dict[int, tuple[Any, Any]] = {}


def _only_if_true(walk):
    def true_tests(facts: dict) -> list[Test]:
        value, found = walk(facts)
        return found if value else []
    return true_tests
_NONE: list = []


def _compile_with_tests(cond: Condition):
    """A closure equal to ``_evaluate_with_tests(cond, facts)`` for every ``facts``."""
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


def _evaluate_with_tests(cond: Condition, facts: dict) -> tuple[bool | None, list[Test]]:
    """``evaluate`` and the true leaf tests in one pass (evidence is built for every
    fired rule of every screening, so walking each condition once matters)."""
    if isinstance(cond, Test):
        value = evaluate_test(cond, facts)
        return value, [cond] if value else []
    parts = [_evaluate_with_tests(p, facts) for p in (cond.all if isinstance(cond, All) else cond.any)]
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


# ---------------------------------------------------------- compilation (durable JSON)

def compile_condition(cond: Condition, as_lists: frozenset[str] = frozenset()) -> dict:
    """durable-rules JSON for a condition (see durable docs/json/reference.md).

    A test on a missing attribute never matches in durable, which is exactly our
    "unknown is not true" (the engine module leaves unknown facts out of the asserted
    fact). ``lacks`` also requires the list not to be ``[not_sure]``, and ``known`` is
    ``$ex`` / ``$nex``.

    Speed: durable expands every ``$or`` nested in an ``$and`` into separate branches,
    each matched on every fact, and it has no ``$in``. So "lacks" tests on a list are one
    ``$iall`` over an inner ``$and``, and the names in ``as_lists`` (single-code answers)
    are asserted as one-item lists (see engine/durable.py) so that ``in`` and ``not_in``
    on them are list tests too.

    Never a ``$iany`` / ``$iall`` over an ``$or``: durable then reads memory it never set
    and, now and then, refuses the whole ruleset (durable.CompiledRules._register).
    "has any of" is one ``$iany`` over a regex union of the codes instead (see
    ``_any_item``). An ``$or`` of ``$iany`` tests, one a code, means the same, but durable
    splits a rule at every ``$or``: 2.37 M instructions a batch row against 2.24 M
    (benchmarks/instructions.py).
    """
    if isinstance(cond, All):
        return {"$and": [compile_condition(c, as_lists) for c in cond.all]}
    if isinstance(cond, AnyOf):
        return {"$or": [compile_condition(c, as_lists) for c in cond.any]}
    name, op, value = cond.name, cond.op, cond.value
    if op == "known":
        return {"$ex" if value else "$nex": {name: 1}}
    if name in as_lists and op in ("is", "in", "is_not", "not_in"):
        op = {"is": "has", "in": "has_any", "is_not": "_none_of", "not_in": "_none_of"}[op]
    if op == "is":
        return {name: value}
    if op == "is_not":
        return {"$neq": {name: value}}
    if op == "in":
        return _one_or({name: v} for v in value) if len(value) > 1 else {name: value[0]}
    if op == "not_in":
        return {"$and": [{"$neq": {name: v}} for v in value]}
    if op in ("has", "has_any"):  # never a $iany over an $or: see the docstring
        return _any_item(name, cond.values())
    if op in ("lacks", "lacks_all"):  # [not_sure] lacks nothing for sure: unknown
        return {"$and": [{"$ex": {name: 1}}, _all_items(
            name, [{"$neq": {"$i": v}} for v in [*cond.values(), NOT_SURE]])]}
    if op == "_none_of":  # a single code, asserted as a list, that is none of these
        return {"$and": [{"$ex": {name: 1}}, _all_items(
            name, [{"$neq": {"$i": v}} for v in cond.values()])]}
    return {"$" + op: {name: value}}


def _any_item(name: str, codes: list) -> dict:
    """Some item of the list ``name`` is one of ``codes``: one durable node, a regex
    union, when every code is an id (letters, digits, ``_``, ``-``: none is special in
    durable's regex, which matches the whole item); else one ``$iany`` a code."""
    if len(codes) == 1:
        return {"$iany": {name: {"$i": codes[0]}}}
    if all(isinstance(code, str) and _PLAIN_CODE.fullmatch(code) for code in codes):
        return {"$iany": {name: {"$mt": {"$i": "|".join(codes)}}}}
    return {"$or": [{"$iany": {name: {"$i": code}}} for code in codes]}


_PLAIN_CODE = re.compile(ID_PATTERN)


def _all_items(name: str, item_tests: list[dict]) -> dict:
    """Every item of the list ``name`` passes every test."""
    inner = item_tests[0] if len(item_tests) == 1 else {"$and": item_tests}
    return {"$iall": {name: inner}}


def _one_or(parts) -> dict:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else {"$or": parts}


# ------------------------------------------------------------------- words (for people)

def describe(cond: Condition, label=lambda name, value: str(value), indent: str = "") -> str:
    """The condition in words, one test a line, for rule cards and reviews."""
    if isinstance(cond, Test):
        if cond.op == "known":
            return f"{indent}{cond.name} {'is answered' if cond.value else 'is unanswered (unknown)'}"
        shown = ", ".join(label(cond.name, v) for v in cond.values())
        return f"{indent}{cond.name} {OPERATORS[cond.op]} {shown}"
    if isinstance(cond, All) and cond.ordinary:
        word = "read the ordinary way (not assumed)"
    else:
        word = "all of" if isinstance(cond, All) else "any of"
    inner = [describe(c, label, indent + "  ") for c in (cond.all if isinstance(cond, All) else cond.any)]
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
