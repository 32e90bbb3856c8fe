"""The no-reason check: every rule says why, and has a title."""

from __future__ import annotations

from .context import Context, finding, is_placeholder


def no_reason(ctx: Context):
    """Every rule says why, in words a person can read."""
    for rule in ctx.ruleset.rules:
        if is_placeholder(rule.reason) or len(rule.reason.split()) < 3:
            yield finding("no-reason", rule.file, rule.line, rule.id,
                          "reason: missing or too short; write one plain sentence saying "
                          "why these answers matter")
        if is_placeholder(rule.title):
            yield finding("no-reason", rule.file, rule.line, rule.id, "title: missing")
