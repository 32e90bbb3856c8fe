"""Load a rules folder (YAML) into a checked ``RuleSet``: the entry of the ruleset stage.

Errors are addressed to the clinician who edits the files: each names the file, the
line, the rule or question id and the field, in plain words with a did-you-mean where
one fits, and carries a check code (``problems.LOAD_CHECKS``). One run reports every
problem: an item that fails is left out, the others are still loaded and
cross-checked, and the names of the items left out are spared by the cross-checks (a
rule reading a broken question is not reported as reading an unknown name).

The stages: loading_reader.py reads a file and validates a model, loading_items.py
builds the RuleSet item by item, cross_checks.py checks what the items refer to, and
locales.py lays a translation over the result.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .folder import (
    DEFAULT_RULES_DIR,  # noqa: F401  (its users import it from here)
    rules_folder,
)
from .loading_items import build
from .locales import load_locale, localize
from .models import RuleSet
from .problems import Problem, Problems


def load_ruleset(folder: str | Path | None = None, lang: str | None = None) -> RuleSet:
    """Load and cross-check a rules folder (default: the shipped ``rules/``), with its
    texts in ``lang`` (``rules/locales/<lang>.yaml``; None or "en": as written)."""
    if lang and lang != "en":
        return _load_localized(str(folder) if folder else None, lang)
    return _load_source(folder)


def _clear_caches() -> None:
    _load_source.cache_clear()
    _load_localized.cache_clear()


# tests edit a folder and load it again; mypy knows no attributes set on a function
load_ruleset.cache_clear = _clear_caches  # type: ignore[attr-defined]


@lru_cache(maxsize=8)
def _load_localized(folder: str | None, lang: str) -> RuleSet:
    ruleset = _load_source(folder)
    return localize(ruleset, load_locale(ruleset.folder, lang))


@lru_cache(maxsize=8)
def _load_source(folder: str | Path | None = None) -> RuleSet:
    folder = rules_folder(folder)
    problems = Problems()
    ruleset = build(folder, problems)
    problems.raise_if_any(folder)
    assert ruleset is not None  # build gives up (None) only after recording a problem
    return ruleset


def collect_ruleset(folder: str | Path | None = None) -> tuple[RuleSet | None, list[Problem]]:
    """Like ``load_ruleset`` but returns the problems instead of raising them, so that
    ``screener rules check`` can report them and lint the content further.

    The RuleSet is None when the structure is broken; it is returned alongside the
    problems when only cross-checks (unknown names, codes, sources) failed.
    A folder without ruleset.yaml still raises: it is not a rules folder at all.
    """
    folder = rules_folder(folder)
    problems = Problems()
    ruleset = build(folder, problems)
    return ruleset, problems.found
