"""The duplicate-ids check: ids that clash."""

from __future__ import annotations

from ...ruleset import facts
from .context import Context, finding


def duplicate_ids(ctx: Context):
    """Ids that clash: differ only in case, or a fact name that is already taken."""
    rs = ctx.ruleset
    groups = {
        "rule": [(r.id, r.file, r.line) for r in rs.rules],
        "question": [(q.id, q.file, q.line) for q in rs.questions],
        "factor": [(f.id, f.file, f.line) for f in rs.factors.values()],
    }
    for kind, items in groups.items():
        first: dict[str, str] = {}
        for ident, file, line in items:
            other = first.setdefault(ident.lower(), ident)
            if other != ident:
                yield finding("duplicate-ids", file, line, ident,
                              f"{kind} id differs from '{other}' only in upper/lower case")
    taken = set(rs.computed) | set(facts.factor_fact_names(rs.factors))
    for rule in rs.rules:
        if rule.kind == "derived" and rule.concludes in taken:
            what = "a computed input" if rule.concludes in rs.computed else "a factor fact"
            yield finding("duplicate-ids", rule.file, rule.line, rule.id,
                          f"concludes '{rule.concludes}', which is already {what}")
        seen: dict[str, int] = {}
        for n, example in enumerate(rule.examples, 1):
            key = repr(sorted(example.answers.items())) + example.expect
            if key in seen:
                yield finding("duplicate-ids", rule.file, rule.line, rule.id,
                              f"example {n} repeats example {seen[key]}")
            seen.setdefault(key, n)
