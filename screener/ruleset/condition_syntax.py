"""The condition language as written: its operators, the objects a condition parses
into, and the names it reads.

A condition is written in YAML as a mapping with exactly one key::

    all: [cond, ...]              every condition holds
    any: [cond, ...]              at least one holds
    ordinary: cond                the same condition; inside a triage rule's ``risk`` it
                                  is read the ordinary way, not the worse (spec 0.1)
    <name>: <test>                a test on one answer or fact

A test is a scalar (equals), a list (is one of) or a one-key mapping with an operator
from ``OPERATORS``. ``parse`` turns that form into small pydantic objects and says what
is wrong in plain words; what a condition means is condition_reference.py's.
"""

from __future__ import annotations

from typing import Any, Literal

from ..types import Frozen
from .yaml_spelling import as_yaml

Scalar = bool | int | float | str

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
    all: list[Condition]
    #: written ``ordinary: cond``: evaluates as ``cond``; risk_reading leaves it as read
    ordinary: bool = False


class AnyOf(Frozen):
    any: list[Condition]


Condition = All | AnyOf | Test
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
            raise ValueError(f"the test on '{key}' must have exactly one operator, "
                             f"got {_show(body)}")
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
