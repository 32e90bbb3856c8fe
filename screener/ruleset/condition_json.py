"""A condition as durable-rules JSON (compiler.py assembles a rule's whole condition).
Pure data: it does not import durable.
"""

from __future__ import annotations

import re

from ..types import ID_PATTERN
from .condition_syntax import NOT_SURE, All, AnyOf, Condition


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
    name, value = cond.name, cond.value
    op: str = cond.op  # may become one of durable's own operators below
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
