"""Lint a rules folder: content problems that load fine but are still wrong.

The loader (ruleset/loading.py) already rejects broken structure, unknown names and
codes, unknown sources and duplicate rule ids; ``lint_folder`` reports those first, in
the same ``file:line: id: message`` form, then runs every check in ``CHECKS`` over the
loaded RuleSet and the raw YAML (for line numbers). Each check is one function in a
module of its own (or of its small family) that takes a ``Context`` and yields
``Finding``s; adding a check is adding that module and one line in ``CHECKS``, named as
rules/README.md documents it. The library prints nothing: ``screener rules check``
prints the findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from ...ruleset.loading import collect_ruleset
from ...ruleset.models import RuleSet
from ...ruleset.yaml_cache import parse_once
from .context import Context, Finding, finding
from .doses import dose_text
from .examples import bad_example
from .firing import never_concluded, never_fires, rule_loop
from .hazard_log import hazard_log
from .ids import duplicate_ids
from .reasons import no_reason
from .sources import source_citation, source_url
from .translations import translation
from .unused import unused_question

__all__ = ["CHECKS", "Context", "Finding", "finding", "lint_folder", "lint_ruleset"]

#: every check by its name; findings on one line come in this order
CHECKS: dict[str, Callable[[Context], Iterator[Finding]]] = {
    "never-fires": never_fires,
    "rule-loop": rule_loop,
    "never-concluded": never_concluded,
    "duplicate-ids": duplicate_ids,
    "no-reason": no_reason,
    "source-citation": source_citation,
    "source-url": source_url,
    "unused-question": unused_question,
    "dose-text": dose_text,  # rules/hazards.yaml names it: screener.authoring.lint.dose_text
    "bad-example": bad_example,
    "translation": translation,
    "hazard-log": hazard_log,
}


def lint_folder(folder: str | Path | None = None) -> list[Finding]:
    """Every problem in a rules folder (the loader's and the checks'), by file and line."""
    with parse_once():  # the checks reread the files the loader read, for their lines
        ruleset, problems = collect_ruleset(folder)
        findings = [Finding(check=p.code, text=str(p)) for p in problems]
        if ruleset is not None:
            findings += lint_ruleset(ruleset)
    return sorted(findings, key=lambda f: _sort_key(f.text))  # stable: file, then line


def lint_ruleset(ruleset: RuleSet) -> list[Finding]:
    ctx = Context(ruleset=ruleset, folder=Path(ruleset.folder))
    return [f for fn in CHECKS.values() for f in fn(ctx)]


def _sort_key(text: str):
    file, _, rest = text.partition(":")
    line = rest.split(":", 1)[0]
    return (file, int(line) if line.isdigit() else 0)
