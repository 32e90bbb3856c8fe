"""One screening: validated answers in, an explained ``Result`` out. No I/O, no printing.

The engine decides which rules fire (layer by layer, see compiler.py); this module
starts the facts (answers and computed inputs) and turns each layer's conclusions into
facts for the next layer. evidence.py then builds the result with its evidence trail;
``triage_summary`` is a batch row's decisions without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .answers import ValidatedAnswers, validate_answers
from .completeness import is_complete, unanswered
from .evidence import build_result
from .result import Result
from .ruleset import risk_reading
from .ruleset.compiler import rule_layers
from .ruleset.condition_code import settle_function
from .ruleset.facts import (
    FACTOR_COUNT,
    FACTORS_RAISED,
    STRENGTH,
    TRIAGE_ASSUMED,
    TRIAGE_FIRED,
    TRIAGE_LEVEL,
    factor_fact,
    factor_facts,
)
from .ruleset.loading import load_ruleset
from .ruleset.models import Rule, RuleSet
from .types import TRIAGE_ORDER, TriageLevelId


def screen(answers: dict | ValidatedAnswers, ruleset: RuleSet | None = None, *,
           today: dt.date | None = None, source: str | None = None) -> Result:
    """Screen one set of answers. A raw mapping is validated first: ``today`` fills a
    date question's "today" default (the questionnaire's day, a test's fixed day) and
    ``source`` names the file in error messages. Answers already validated carry their
    date, so the two apply to raw answers only."""
    ruleset = ruleset or load_ruleset()
    if not isinstance(answers, ValidatedAnswers):
        answers = validate_answers(answers, ruleset, today=today, source=source)
    elif today is not None or source is not None:
        raise TypeError("screen(): today and source apply to raw answers, not validated ones")
    facts = initial_facts(answers, ruleset)
    fired = run_engine(facts, ruleset)
    return build_result(answers, facts, fired, ruleset)


def in_language(result: Result, ruleset: RuleSet) -> Result:
    """The same screening with the texts of ``ruleset`` (another language of the same
    rules): re-run on the result's validated answers, so every decision is the same
    and only the words change (a Spanish intake, an English clinician report)."""
    if ruleset.content_hash != result.ruleset.hash:
        raise ValueError("in_language needs the same rules in another language")
    answers = ValidatedAnswers(values=dict(result.answers), respondent_id=result.respondent_id,
                               warnings=list(result.warnings))
    return screen(answers, ruleset)


# --------------------------------------------------------------------------- index

@dataclass
class _Index:
    """Lookups computed once per ruleset (they were linear scans on every screening)."""

    order: dict[str, int]  # rule id -> file order
    derived: list[Rule]
    concluding: dict[str, list[Rule]]  # derived fact -> every rule concluding it
    concludes: dict[str, str]  # derived rule id -> the fact it concludes
    #: layer -> the derived facts final after it, settled true / false / unknown by one
    #: generated function (condition_code.settle_function)
    settle_at: dict[int, Any]
    computed: list  # (name, compute) of the computed inputs the rules declare (facts.py)
    roles: dict[str, tuple[str, str | None, bool]]  # rule id -> (kind, factor, blocks)
    factor_fact_names: dict[str, tuple[str, ...]]  # factor -> its facts (facts.FACTOR_PARTS)
    level_rank: dict[str, int]  # triage rule id -> position of its level in TRIAGE_ORDER
    #: triage rules with a ``risk`` -> (rule, position of the level it gives when it held
    #: only through the worse reading: the cap of spec 0.1)
    with_risk: dict[str, tuple[Rule, int]]
    makes_note: frozenset[str]  # rules shown as notes when they fire
    first_notes: frozenset[str]  # notes shown directly under the triage message
    #: the factor facts of a screening where nothing fired yet (initial_facts), and which
    #: of them are lists
    nothing_fired: dict[str, Any]
    fresh_lists: tuple[str, ...]


_indexes: dict[str, _Index] = {}


def _index(ruleset: RuleSet) -> _Index:
    key = ruleset.content_hash
    if key not in _indexes:
        derived = [r for r in ruleset.rules if r.kind == "derived"]
        concluding: dict[str, list[Rule]] = {}
        for rule in derived:
            concluding.setdefault(rule.concluded_fact, []).append(rule)
        layers = rule_layers(ruleset)
        settled_at: dict[int, list[str]] = {}
        for name, rules in concluding.items():
            settled_at.setdefault(max(layers[r.id] for r in rules), []).append(name)
        nothing_fired: dict[str, Any] = {FACTORS_RAISED: [], FACTOR_COUNT: 0,
                                         TRIAGE_LEVEL: "self_care", TRIAGE_FIRED: [],
                                         TRIAGE_ASSUMED: False}
        for fid in ruleset.factors:  # as _write_factor_facts writes a factor with none
            count, listed, _strength, raised = factor_facts(fid)
            nothing_fired.update({count: 0, listed: [], raised: False})
        _indexes[key] = _Index(
            nothing_fired=nothing_fired,
            fresh_lists=tuple(k for k, v in nothing_fired.items() if isinstance(v, list)),
            order={rule.id: i for i, rule in enumerate(ruleset.rules)},
            derived=derived, concluding=concluding,
            concludes={r.id: r.concluded_fact for r in derived},
            settle_at={layer: settle_function([(name, [r.when for r in concluding[name]])
                                               for name in names])
                       for layer, names in settled_at.items()},
            # a declared input the program does not compute stays unknown (lint says so)
            computed=[(name, COMPUTE[name]) for name in ruleset.computed
                      if name in COMPUTE],
            roles={r.id: (r.kind, r.factor, r.blocks_factors) for r in ruleset.rules},
            factor_fact_names={fid: factor_facts(fid) for fid in ruleset.factors},
            level_rank={r.id: TRIAGE_ORDER.index(r.level) for r in ruleset.rules
                        if r.kind == "triage"},
            makes_note=frozenset(r.id for r in ruleset.rules if r.makes_note),
            first_notes=frozenset(r.id for r in ruleset.rules if r.first),
            with_risk={r.id: (r, TRIAGE_ORDER.index(risk_reading.effective_level(r, ruleset, True)))
                       for r in ruleset.rules if r.kind == "triage" and r.risk is not None})
    return _indexes[key]


# --------------------------------------------------------------------------- inputs

def _bmi(answers: ValidatedAnswers, ruleset: RuleSet) -> float | None:
    height, weight = answers.values.get("height_cm"), answers.values.get("weight_kg")
    return round(weight / (height / 100) ** 2, 1) if height and weight else None


def _screened_month(answers: ValidatedAnswers, ruleset: RuleSet) -> int | None:
    day = answers.values.get("screened_on")  # an ISO date: YYYY-MM-DD
    return int(day[5:7]) if day else None


def _unanswered_count(answers: ValidatedAnswers, ruleset: RuleSet) -> int:
    missing, unsure = unanswered(answers, ruleset)
    return len(missing) + len(unsure)


#: How the program computes each input of ``facts.COMPUTED`` from validated answers
#: (``screened_on`` already defaults to today there): None when an answer it needs is
#: missing, so the input stays unknown, out of the facts.
COMPUTE: dict[str, Callable[[ValidatedAnswers, RuleSet], Any]] = {
    "bmi": _bmi, "screened_month": _screened_month, "unanswered_count": _unanswered_count,
    "complete": is_complete,
}


def initial_facts(answers: ValidatedAnswers, ruleset: RuleSet) -> dict[str, Any]:
    """Answers plus the computed inputs (COMPUTE) and the factor facts of a
    screening where nothing fired yet.

    Derived facts start unknown (absent), never false: run_engine makes each true or
    false once its rules are settled (spec 0.1). A computed input whose answers are
    missing (BMI without a height) is left out too.
    """
    index = _index(ruleset)
    facts: dict[str, Any] = dict(answers.values)
    for name, compute in index.computed:
        value = compute(answers, ruleset)
        if value is not None:
            facts[name] = value
    facts.update(index.nothing_fired)  # update_factor_facts(facts, [], ruleset), kept
    for name in index.fresh_lists:  # lists of their own: run_engine appends to them
        facts[name] = []
    return facts


# --------------------------------------------------------------------------- engine

#: rule kinds whose firing changes no fact (the result reads them from ``fired``)
_PASSIVE = frozenset({"note", "symptom"})


def run_engine(facts: dict[str, Any], ruleset: RuleSet) -> list[str]:
    """Fire every layer in order; return fired rule ids (layer order, then file order).

    ``facts`` is updated in place with each layer's conclusions.
    """
    from .engine import engine_for  # the engines load on first use, off the --help path

    engine = engine_for(ruleset)
    index = _index(ruleset)
    roles, concludes = index.roles, index.concludes
    fired: list[str] = []
    rank = len(TRIAGE_ORDER) - 1  # self_care, until a triage rule fires
    indicators: dict[str, list[str]] = {fid: [] for fid in ruleset.factors}
    excepted: set[str] = set()
    blocked = False
    triage_fired: list[str] = []
    # per level: did a rule give it on the ordinary reading, did one only by assuming
    ordinary_at, assumed_at = [False] * len(TRIAGE_ORDER), [False] * len(TRIAGE_ORDER)
    with engine.session() as fire:
        for layer in range(1, engine.depth + 1):
            new = fire(layer, facts)
            if len(new) > 1:
                new = sorted(set(new), key=index.order.__getitem__)
            fired += new
            changed: set[str] = set()  # factors whose facts this layer changed
            for rule_id in new:
                kind, factor, blocks = roles[rule_id]
                if kind in _PASSIVE and not blocks:  # a note or a symptom: nothing to do
                    continue
                if kind == "derived":
                    facts[concludes[rule_id]] = True
                elif kind == "indicator" and factor in indicators:
                    indicators[factor].append(rule_id)
                    changed.add(factor)
                elif kind == "exception" and factor in indicators:
                    excepted.add(factor)
                    changed.add(factor)
                if blocks:
                    blocked = True
                    changed.update(indicators)
                if kind == "triage":  # the most urgent level so far (TRIAGE_ORDER)
                    given = index.level_rank[rule_id]
                    risky = index.with_risk.get(rule_id)
                    if risky is not None and risk_reading.fired_only_assumed(risky[0], facts):
                        given = risky[1]
                        assumed_at[given] = True
                    else:
                        ordinary_at[given] = True
                    rank = min(rank, given)
                    triage_fired.append(rule_id)
                    facts[TRIAGE_LEVEL] = TRIAGE_ORDER[rank]
                    facts[TRIAGE_FIRED] = list(triage_fired)
                    facts[TRIAGE_ASSUMED] = assumed_at[rank] and not ordinary_at[rank]
            settle = index.settle_at.get(layer)
            if settle is not None:  # derived facts the engine did not make true (spec 0.1)
                settle(facts)
            if changed:  # else the factor facts are still up to date
                _write_factor_facts(facts, indicators, excepted, blocked, ruleset, index,
                                    changed)
    return fired


def update_factor_facts(facts: dict[str, Any], fired: list[str], ruleset: RuleSet) -> None:
    """Recompute per-factor facts (count, indicators, raised, strength) from what fired.

    Spec: a factor is raised when one of its indicators fired and no exception holds;
    strength is "several" from ``several_at`` indicators. A blocking triage rule (the
    screener is for adults) raises no factor at all.
    """
    index = _index(ruleset)
    roles = index.roles
    indicators: dict[str, list[str]] = {fid: [] for fid in ruleset.factors}
    excepted: set[str] = set()
    blocked = False
    for rule_id in fired:  # one pass over what fired, in fired order
        kind, factor, blocks = roles[rule_id]
        if blocks:
            blocked = True
        if kind == "indicator" and factor in indicators:
            indicators[factor].append(rule_id)
        elif kind == "exception" and factor is not None:  # every exception names one
            excepted.add(factor)
    _write_factor_facts(facts, indicators, excepted, blocked, ruleset, index)


def _write_factor_facts(facts: dict[str, Any], indicators: dict[str, list[str]],
                        excepted: set[str], blocked: bool, ruleset: RuleSet,
                        index: _Index, changed=None) -> None:
    """Write the facts of the ``changed`` factors (all when None), then the totals."""
    several_at = ruleset.several_at
    names = index.factor_fact_names
    for fid in indicators if changed is None else changed:
        found = indicators[fid]
        count, listed, strength, raised_name = names[fid]
        is_raised = bool(found) and fid not in excepted and not blocked
        facts[count] = len(found)
        facts[listed] = list(found)
        facts[raised_name] = is_raised
        if is_raised:
            facts[strength] = "several" if len(found) >= several_at else "some"
        else:
            facts.pop(strength, None)
    raised = [fid for fid in indicators if facts[names[fid][3]]]  # in factor order
    facts[FACTORS_RAISED] = raised
    facts[FACTOR_COUNT] = len(raised)
    facts.setdefault(TRIAGE_LEVEL, "self_care")
    facts.setdefault(TRIAGE_FIRED, [])
    facts.setdefault(TRIAGE_ASSUMED, False)


# --------------------------------------------------------------------------- batch row

class TriageSummary(NamedTuple):
    """What a batch row needs of a screening: its decisions without the evidence trail."""

    triage: TriageLevelId
    strengths: dict[str, str]  # raised factor id -> strength, in factor order
    notes: list[str]  # note ids
    complete: bool


def triage_summary(answers: ValidatedAnswers, ruleset: RuleSet) -> TriageSummary:
    """The batch row's part of ``screen()``, always equal to the matching parts of its
    result (tests/test_batch.py checks it on a sample)."""
    facts = initial_facts(answers, ruleset)
    fired = run_engine(facts, ruleset)
    strengths = {fid: facts[factor_fact(fid, STRENGTH)] for fid in facts[FACTORS_RAISED]}
    makes_note = _index(ruleset).makes_note
    notes = [rule_id for rule_id in fired if rule_id in makes_note]
    first = _index(ruleset).first_notes
    notes.sort(key=lambda rule_id: rule_id not in first)  # as build_result orders them
    level = facts[TRIAGE_LEVEL]  # run_engine's: the most urgent level that fired
    complete = facts["complete"] if "complete" in facts else is_complete(answers, ruleset)
    return TriageSummary(level, strengths, notes, level == "urgent" or complete)
