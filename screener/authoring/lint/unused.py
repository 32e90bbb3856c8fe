"""The unused-question check: a question nothing reads is asked for nothing."""

from __future__ import annotations

from .context import Context, finding


def unused_question(ctx: Context):
    """A question that no rule, skip logic or computed input reads is asked for nothing."""
    rs = ctx.ruleset
    used = {name for name, *_ in ctx.read_names()}
    used |= {name for c in rs.computed.values() for name in c.uses}
    for q in rs.questions:
        if q.id not in used:
            yield finding("unused-question", q.file, q.line, q.id,
                          "no rule, shown_if or computed input uses this question")
