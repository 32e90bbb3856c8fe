"""Unusual-but-possible answer combinations that deserve one confirmation question.

The list is data (``rules/consistency.yaml``), written in the rule condition language,
so a clinician reviews it like any rule. A folder without the file has no checks.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..types import Strict
from . import conditions
from .cross_checks import check_condition, known_names
from .locales import load_locale
from .models import ConditionField, Id, RuleSet
from .problems import Problems
from .yaml_source import read_yaml

FILE_NAME = "consistency.yaml"


class Check(Strict):
    id: Id
    when: ConditionField
    ask: str
    line: int = 0

    @property
    def names(self) -> list[str]:
        return conditions.names(self.when)


_cache: dict[tuple[str, str], tuple[Check, ...]] = {}


def _load(folder: str, ruleset: RuleSet) -> tuple[Check, ...]:
    path = Path(folder) / FILE_NAME
    if not path.is_file():
        return ()
    raw = read_yaml(path) or {}
    problems, checks = Problems(), []
    names = {k: v for k, v in known_names(ruleset).items() if k in ruleset.questions.by_id}
    for item in raw.get("checks", []) if isinstance(raw, dict) else []:
        ident = item.get("id", "?") if isinstance(item, dict) else "?"
        line = getattr(item, "line", 0)
        try:
            check = Check(**item, line=line)
        except (ValidationError, TypeError) as exc:
            if isinstance(exc, ValidationError):
                problems.add_validation(str(path), item, ident, exc, model=Check)
            else:
                problems.add(str(path), line, ident, "a check must be a mapping")
            continue
        # only answers exist while asking: facts derived by rules are not known yet
        check_condition(check.when, names,
                        lambda m, c=check: problems.add(str(path), c.line, c.id, "when: " + m))
        checks.append(check)
    problems.raise_if_any(Path(folder))
    return tuple(checks)


def load_checks(ruleset: RuleSet) -> tuple[Check, ...]:
    """The consistency checks of a rules folder (RulesError names file and line), with
    their question in the ruleset's language (rules/locales/<lang>.yaml)."""
    key = (ruleset.content_hash, ruleset.language)
    if key not in _cache:
        checks = _load(ruleset.folder, ruleset)
        if ruleset.language != "en":
            texts = load_locale(ruleset.folder, ruleset.language).consistency
            checks = tuple(c.model_copy(update={"ask": texts[c.id].ask})
                           if c.id in texts and texts[c.id].ask else c for c in checks)
        _cache[key] = checks
    return _cache[key]


def triggered(checks, answers: dict, just_answered: str, confirmed: set[str]) -> list[Check]:
    """Checks made true by the answer to ``just_answered`` and not yet confirmed."""
    return [c for c in checks if c.id not in confirmed and just_answered in c.names
            and conditions.evaluate(c.when, answers) is True]
