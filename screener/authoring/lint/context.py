"""What every lint check reads (``Context``: the loaded rules, the raw YAML for line
numbers, the analyses several checks share) and what it yields (``Finding``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ...errors import RulesError
from ...ruleset import conditions, facts
from ...ruleset.cross_checks import known_names
from ...ruleset.models import RuleSet
from ...ruleset.problems import Problem
from ...ruleset.yaml_source import read_yaml
from ...types import Frozen
from .satisfiable import impossible

#: placeholder words that are not a reason or a citation
PLACEHOLDERS = {"", "todo", "tbd", "xxx", "?", "-", "...", "none", "n/a", "fixme"}


class Finding(Frozen):
    """One problem: ``check`` names the lint class, ``text`` is the printed line."""

    check: str
    text: str

    def __str__(self) -> str:
        return self.text


def finding(check_name: str, file: str, line: int, ident: str, message: str) -> Finding:
    """A lint finding printed exactly as the loader's problems are (problems.Problem)."""
    return Finding(check=check_name,
                   text=str(Problem(check_name, str(file), line or 0, ident, message)))


@dataclass
class Context:
    """What the checks read: the loaded rules, the raw YAML and shared analyses."""

    ruleset: RuleSet
    folder: Path
    raw: dict[str, object] = field(default_factory=dict)  # file path -> parsed YAML

    def raw_of(self, file: str):
        if file not in self.raw:
            try:
                self.raw[file] = read_yaml(Path(file))
            except RulesError:
                self.raw[file] = {}
        return self.raw[file]

    @cached_property
    def names(self) -> dict[str, dict]:
        return known_names(self.ruleset)

    @cached_property
    def never_fire(self) -> dict[str, str]:
        """rule id -> why its condition can never be true."""
        found = {}
        for rule in self.ruleset.rules:
            why = impossible(rule.when, self.names, self.bounds)
            if why:
                found[rule.id] = why
        return found

    def bounds(self, name: str) -> tuple[float, float, bool] | None:
        """(lowest, highest, whole numbers only) a number can take, when known."""
        rs = self.ruleset
        q = rs.questions.by_id.get(name)
        if q is not None and q.type == "int" and q.min is not None and q.max is not None:
            return q.min, q.max, True  # an int question has both (models.Question)
        return facts.number_bounds(name, rs)

    def read_names(self) -> Iterator[tuple[str, str, int, str]]:
        """(name, file, line, who reads it) for every rule condition and shown_if."""
        for rule in self.ruleset.rules:
            for cond in rule.conditions_written:
                for name in conditions.names(cond):
                    yield name, rule.file, rule.line, rule.id
        for q in self.ruleset.questions:
            for cond in (q.shown_if, q.counted_if):
                if cond is not None:
                    for name in conditions.names(cond):
                        yield name, q.file, q.line, q.id


def is_placeholder(text: str | None) -> bool:
    """A reason, title or citation that says nothing (empty, "TODO", "n/a"...)."""
    return (text or "").strip().lower() in PLACEHOLDERS
