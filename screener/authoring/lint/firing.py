"""Checks of rules that cannot run: conditions no answers make true (never-fires),
rules that read each other in a circle (rule-loop), and facts read but never concluded
(never-concluded)."""

from __future__ import annotations

from ...errors import RulesError
from ...ruleset import compiler, facts
from ...spelling import suggest
from .context import Context, finding
from .satisfiable import impossible


def never_fires(ctx: Context):
    """Rules (and skip logic) whose condition no answers can make true."""
    for rule in ctx.ruleset.rules:
        if rule.id in ctx.never_fire:
            yield finding("never-fires", rule.file, rule.line, rule.id,
                          f"can never fire: {ctx.never_fire[rule.id]}")
    for q in ctx.ruleset.questions:
        why = q.shown_if is not None and impossible(q.shown_if, ctx.names, ctx.bounds)
        if why:
            yield finding("never-fires", q.file, q.line, q.id,
                          f"shown_if can never be true, so the question is never asked: {why}")


def rule_loop(ctx: Context):
    """Rules that read each other in a circle have no layer and cannot run."""
    try:
        compiler.rule_layers(ctx.ruleset)
    except RulesError as exc:
        ident = exc.message.rsplit(" -> ", 1)[-1]
        yield finding("rule-loop", exc.file or "", exc.line or 0, ident, exc.message)


def never_concluded(ctx: Context):
    """Facts read by a rule that no rule (or the program) ever concludes."""
    rs = ctx.ruleset
    made = compiler.producers(rs)
    inputs = set(rs.questions.by_id) | set(rs.computed)
    for name, file, line, who in ctx.read_names():
        if name in inputs or name not in ctx.names:
            continue
        producers = [r for r in made.get(name, []) if r.kind in ("derived", "indicator", "triage")]
        if not producers:
            yield finding("never-concluded", file, line, who,
                          f"reads '{name}', but no rule concludes it (a factor needs an "
                          "indicator rule)")
        elif all(r.id in ctx.never_fire for r in producers):
            ids = ", ".join(r.id for r in producers)
            yield finding("never-concluded", file, line, who,
                          f"reads '{name}', but every rule concluding it can never fire ({ids})")
    # computed inputs: each declared one must be computed by the program (facts.COMPUTED),
    # from the answers and as the kind it is declared with
    manifest = ctx.raw_of(str(ctx.folder / "ruleset.yaml"))
    lines = getattr((manifest or {}).get("computed", {}), "key_lines", {})
    path = str(ctx.folder / "ruleset.yaml")
    for name, declared in rs.computed.items():
        program = facts.COMPUTED.get(name)
        if program is None:
            yield finding("never-concluded", path, lines.get(name, 0), name,
                          "computed input declared here, but the program does not compute it"
                          f"{suggest(name, facts.COMPUTED)}; it computes: "
                          f"{', '.join(sorted(facts.COMPUTED))}")
        elif (tuple(declared.uses), declared.kind) != (program.uses, program.kind):
            yield finding("never-concluded", path, lines.get(name, 0), name,
                          f"computed input declared here as a {declared.kind} from "
                          f"[{', '.join(declared.uses)}], but the program computes a "
                          f"{program.kind} from [{', '.join(program.uses)}]")
