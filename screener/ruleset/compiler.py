"""Rules -> layers -> durable-rules JSON. Pure: no engine import, no I/O.

Forward chaining runs in *layers*: a rule can only fire once every fact it reads is
final. Answers and computed inputs are ready at layer 0; a rule's layer is one more
than the latest layer of the rules that produce what it reads. So derived facts
(layer 1) feed indicators, indicators feed factors, factors feed chained indicators
such as CA-VITD, and all of them feed triage and notes. The engine asserts one fact
per layer carrying everything concluded so far; rules of layer L match only it.
"""

from __future__ import annotations

from ..errors import RulesError
from . import conditions
from .facts import (
    FACTOR_COUNT,
    FACTORS_RAISED,
    TRIAGE_ASSUMED,
    TRIAGE_FIRED,
    TRIAGE_LEVEL,
    factor_facts,
)
from .models import Rule, RuleSet

LAYER = "screening_layer"  # attribute of the asserted fact; never a question id


def producers(ruleset: RuleSet) -> dict[str, list[Rule]]:
    """Which rules conclude each non-input name (see cross_checks.known_names)."""
    made: dict[str, list[Rule]] = {}
    blocking = [r for r in ruleset.rules if r.blocks_factors]
    for rule in ruleset.rules:
        if rule.kind == "derived":
            made.setdefault(rule.concluded_fact, []).append(rule)
    everything: list[Rule] = []
    for fid in ruleset.factors:
        indicators = [r for r in ruleset.rules if r.factor == fid and r.kind == "indicator"]
        exceptions = [r for r in ruleset.rules if r.factor == fid and r.kind == "exception"]
        count, listed, strength, raised = factor_facts(fid)
        made[count] = made[listed] = indicators
        made[strength] = made[raised] = indicators + exceptions + blocking
        everything += indicators + exceptions
    made[FACTOR_COUNT] = made[FACTORS_RAISED] = everything + blocking
    # the decided triage level (notes such as N-CRAMPS-COMMON read it): every triage rule
    made[TRIAGE_LEVEL] = made[TRIAGE_FIRED] = made[TRIAGE_ASSUMED] = [
        r for r in ruleset.rules if r.kind == "triage"]
    return made


def rule_layers(ruleset: RuleSet) -> dict[str, int]:
    """Layer of every rule (1 = reads only answers). Raises on a cycle."""
    made = producers(ruleset)
    layers: dict[str, int] = {}
    visiting: list[str] = []

    def rule_layer(rule: Rule) -> int:
        if rule.id in layers:
            return layers[rule.id]
        if rule.id in visiting:
            cycle = " -> ".join(visiting[visiting.index(rule.id):] + [rule.id])
            raise RulesError(f"rules depend on each other in a circle: {cycle}",
                             file=rule.file, line=rule.line)
        visiting.append(rule.id)
        deepest = 0
        for name in _names_read(rule):
            for producer in made.get(name, []):
                deepest = max(deepest, rule_layer(producer))
        visiting.pop()
        layers[rule.id] = deepest + 1
        return deepest + 1

    for rule in ruleset.rules:
        rule_layer(rule)
    return layers


def _names_read(rule: Rule) -> list[str]:
    """What a rule reads: its engine condition (the worse reading of its risk, which may
    reach past a derived fact to its inputs) and, for notes, the conditions of its parts
    and the facts its risk names (the ordinary reading, checked after it fires)."""
    names = conditions.names(rule.runs_when)
    if rule.risk is not None:
        names += conditions.names(rule.risk)
    for part in rule.parts:
        names += conditions.names(part.when)
    return names


def single_code_names(ruleset: RuleSet) -> frozenset[str]:
    """Answers holding one code, asserted to the engine as one-item lists (see
    conditions.compile_condition: one node per test instead of one per code)."""
    return frozenset(q.id for q in ruleset.questions if q.type == "choice")


def compile_ruleset(ruleset: RuleSet) -> dict[str, dict]:
    """durable-rules JSON: {rule_id: {"all": [{"m": condition-and-layer}]}}."""
    layers = rule_layers(ruleset)
    as_lists = single_code_names(ruleset)
    return {
        rule.id: {"all": [{"m": {"$and": [
            {LAYER: layers[rule.id]}, conditions.compile_condition(rule.runs_when, as_lists)]}}]}
        for rule in ruleset.rules
    }
