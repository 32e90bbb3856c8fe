"""The hazard-log check: rules/hazards.yaml read against the rules (authoring/hazards.py)."""

from __future__ import annotations

from ...errors import RulesError
from ..hazards import check_hazards, load_log
from .context import Context, finding


def hazard_log(ctx: Context):
    """The hazard log (rules/hazards.yaml) names only rules, tests, guards and sections
    that exist, every rule setting urgent or same_day controls a hazard, and no hazard is
    left without controls or above the acceptable band (authoring/hazards.py)."""

    try:
        log = load_log(ctx.ruleset)
    except RulesError as exc:
        yield finding("hazard-log", exc.file or ctx.ruleset.hazard_log, exc.line or 0,
                      "hazards", exc.message)
        return
    if log is None:
        return
    rules = ctx.ruleset.rules_by_id
    for line, ident, message in check_hazards(ctx.ruleset, log):
        rule = rules.get(ident)
        if rule is not None and not line:  # a rule no hazard names: said at the rule
            yield finding("hazard-log", rule.file, rule.line, ident, message)
        else:
            yield finding("hazard-log", log.file, line, ident, message)
