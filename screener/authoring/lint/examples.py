"""The bad-example check: a rule's examples must be valid answers, or they prove
nothing."""

from __future__ import annotations

import datetime as dt

from ...errors import AnswersError
from ...ruleset.models import Rule
from .context import Context, finding


def bad_example(ctx: Context):
    """A rule's examples must be valid answers, or they prove nothing."""
    from ...answers import validate_answers

    for rule in ctx.ruleset.rules:
        raw_examples = _raw_rule(ctx, rule).get("examples") or []
        for n, example in enumerate(rule.examples, 1):
            line = (getattr(raw_examples[n - 1], "line", rule.line) if n <= len(raw_examples)
                    else rule.line)
            try:
                validate_answers(example.answers, ctx.ruleset, today=dt.date(2025, 1, 15))
            except AnswersError as exc:
                for problem in exc.problems or [exc.message]:
                    yield finding("bad-example", rule.file, line, rule.id,
                                  f"example {n}: {problem}")


def _raw_rule(ctx: Context, rule: Rule) -> dict:
    raw = ctx.raw_of(rule.file) or {}
    for item in raw.get("rules", []) if isinstance(raw, dict) else []:
        if (isinstance(item, dict) and item.get("id") == rule.id
                and getattr(item, "line", 0) == rule.line):
            return item
    return {}
