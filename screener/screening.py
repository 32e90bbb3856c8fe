"""One screening: validated answers in, an explained ``Result`` out. No I/O, no printing.

The engine decides which rules fire (layer by layer, see compiler.py); this module
turns conclusions into facts for the next layer and, at the end, into the result with
its evidence trail.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from . import __version__
from .ruleset import conditions, risk_reading
from .answers import ValidatedAnswers, validate_answers
from .ruleset.compiler import rule_layers
from .completeness import completeness, is_complete, question_order, unanswered
from .ruleset.facts import (
    FACTOR_COUNT, FACTORS_RAISED, INDICATORS, RAISED, STRENGTH, TRIAGE_ASSUMED,
    TRIAGE_FIRED, TRIAGE_LEVEL, answers_used, factor_fact, factor_facts, factor_of_fact,
)
from .ruleset.loading import load_ruleset
from .ruleset.models import Rule, RuleSet
from .ruleset.condition_code import settle_function
from .result import Result
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
    derived_by_name: dict[str, Rule]  # concluded fact -> first derived rule concluding it
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
        by_name: dict[str, Rule] = {}
        concluding: dict[str, list[Rule]] = {}
        for rule in derived:
            by_name.setdefault(rule.concludes, rule)
            concluding.setdefault(rule.concludes, []).append(rule)
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
            derived_by_name=by_name, derived=derived, concluding=concluding,
            concludes={r.id: r.concludes for r in derived},
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
        elif kind == "exception":
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


# --------------------------------------------------------------------------- result

def evidence_fields(rule: Rule, facts: dict[str, Any], ruleset: RuleSet,
                    memo: dict | None = None) -> dict[str, Any]:
    """The answers and facts that made ``rule`` fire, derived facts traced to answers,
    as the fields of an ``Evidence`` (build_result validates the whole result in one
    call: a model per trail cost more than the engine).

    ``memo`` (one per screening) keeps each derived or factor fact's trace, so a fact
    many rules read (kidney, older_adult, a factor's count) is traced once.
    """
    writes: list[tuple[str, Any, bool]] = []
    used: dict[str, Any] = {}
    # runs_when: a risk read the worse way shows the gap it assumed (medicines: unanswered)
    _collect(rule.runs_when, facts, ruleset, writes, used, True, {} if memo is None else memo)
    answers: dict[str, Any] = {}
    for question, value, union in writes:  # in walk order, as the trail reads
        if union and question in answers:
            answers[question] = list(dict.fromkeys(answers[question] + value))
        else:
            answers[question] = value
    position = question_order(ruleset)
    ordered = ({q: answers[q] for q in sorted((q for q in answers if q in position),
                                              key=position.__getitem__)}
               if len(answers) > 1 else {q: v for q, v in answers.items() if q in position})
    found = {"rule": rule.id, "title": rule.title, "reason": rule.reason, "answers": ordered,
             "facts": used, "sources": list(rule.sources),
             "assumed_risk": []}  # given, not defaulted: pydantic deep-copies a default list
    if rule.risk is not None and risk_reading.fired_only_assumed(rule, facts):
        found["assumed_risk"] = [{"item": item, "reading": reading} for item, reading
                                 in risk_reading.assumed_items(rule, facts, ruleset)]
    return found


_INCLUDES = frozenset({"has", "has_any"})


def _collect(cond, facts, ruleset: RuleSet, writes: list, used: dict, top: bool,
             memo: dict) -> None:
    """Walk the true tests of a condition down to answers (through derived facts and
    computed inputs), as (question, value, union) writes. For multi items only the
    matching codes are kept (union=True merges them with codes matched before)."""
    questions = ruleset.questions.by_id
    for test in conditions.true_tests(cond, facts):
        name = test.name
        value = facts.get(name)
        if value is None:  # a true `known: false` test: the evidence is the gap itself
            if name in questions:
                writes.append((name, None, False))
            elif top:
                used[name] = None
            continue
        if name in questions:
            if test.op in _INCLUDES and isinstance(value, list):
                wanted = test.values()
                writes.append((name, [v for v in value if v in wanted], True))
            else:
                writes.append((name, value, False))
            continue
        if top:
            used[name] = value
        writes.extend(_trace(name, value, facts, ruleset, memo))


def _trace(name: str, value: Any, facts, ruleset: RuleSet, memo: dict) -> list:
    """The answer writes behind a derived fact, a computed input or a factor fact."""
    if name in memo:
        return memo[name]
    writes: list = []
    derived = derived_rule(name, ruleset)
    if derived is not None and value is True:
        _collect(derived.when, facts, ruleset, writes, {}, False, memo)
    if name in ruleset.computed:
        for source_name in answers_used(name):
            if source_name in facts:
                writes.append((source_name, facts[source_name], False))
    factor = factor_of_fact(name, ruleset.factors)
    if factor is not None:  # e.g. CA-VITD reads vitamin_d_strength: show its answers
        for rule_id in facts.get(factor_fact(factor, INDICATORS), []):
            _collect(ruleset.rules_by_id[rule_id].when, facts, ruleset, writes, {}, False,
                     memo)
    memo[name] = writes
    return writes


def _symptom_label(question, value, ruleset: RuleSet) -> str:
    """'Muscle cramps: Weekly or more' (from the id, in English); in a translation the
    id means nothing, so the translated question and answer are used."""
    if ruleset.language == "en":
        return f"{question.id.replace('_', ' ').capitalize()}: {question.describe_answer(value)}"
    return f"{question.text} {question.describe_answer(value)}"


def derived_rule(name: str, ruleset: RuleSet) -> Rule | None:
    return _index(ruleset).derived_by_name.get(name)


def build_result(answers: ValidatedAnswers, facts: dict[str, Any], fired: list[str],
                 ruleset: RuleSet) -> Result:
    rules = [ruleset.rules_by_id[r] for r in fired]
    trail = _Trail(facts, ruleset)  # evidence of the fired rules the result shows
    questions = ruleset.questions.by_id

    factors, held_back = [], []
    for fid, factor in ruleset.factors.items():
        indicators = [trail[r.id] for r in rules if r.kind == "indicator" and r.factor == fid]
        if not indicators:
            continue
        if facts[factor_fact(fid, RAISED)]:
            symptoms = []
            for r in rules:
                if r.kind == "symptom" and r.factor == fid:
                    for q, value in trail[r.id]["answers"].items():
                        symptoms.append({
                            "question": q, "answer": value,
                            "label": _symptom_label(questions[q], value, ruleset)})
            factors.append({
                "id": fid, "label": factor.label, "summary": factor.summary,
                "strength": facts[factor_fact(fid, STRENGTH)], "indicators": indicators,
                "consistent_symptoms": symptoms, "ask": list(factor.ask),
                "sources": list(factor.sources)})
        else:
            because = [trail[r.id] for r in rules
                       if (r.kind == "exception" and r.factor == fid) or r.blocks_factors]
            held_back.append({"id": fid, "label": factor.label, "indicators": indicators,
                              "because": because})

    triage_rules = [r for r in rules if r.kind == "triage"]
    level = facts.get(TRIAGE_LEVEL) or triage_level(rules)  # capped (spec 0.1)
    detail = ruleset.triage[level]
    missing, unsure = unanswered(answers, ruleset)
    count = completeness(answers, ruleset)
    # triage rules that held only through the worse reading of their risk (read once)
    assumed = [r for r in triage_rules if risk_reading.fired_only_assumed(r, facts)]
    assumed_ids = {r.id for r in assumed}  # (pydantic's == on whole rules was costly)
    gives = {r.id: risk_reading.effective_level(r, ruleset, r.id in assumed_ids)
             for r in triage_rules}
    notes = [{"id": r.id, "first": r.first, "evidence": trail[r.id],
              "text": note_text(r, facts, missing + unsure, ruleset,
                                [x for x in assumed if gives[x.id] == level])}
             for r in rules if r.makes_note]
    notes.sort(key=lambda note: not note["first"])  # spec 6: "first" notes lead
    # One validation of plain data for the whole tree: a model per evidence trail cost
    # more than the engine.
    return Result.model_validate({
        "respondent_id": answers.respondent_id,
        "screened_on": answers.values.get("screened_on"),
        "triage": level,
        "triage_detail": {"level": level, "title": detail.title, "message": detail.message},
        # spec 5: an urgent result is always complete (the questionnaire stops on purpose)
        "complete": level == "urgent" or (facts["complete"] if "complete" in facts
                                          else is_complete(answers, ruleset, count)),
        "completeness": count,
        "triggered_by": [trail[r.id] for r in triage_rules if gives[r.id] == level],
        "factors": factors, "held_back": held_back, "notes": notes,
        "unanswered": missing, "not_sure": unsure,
        "derived_facts": [trail[r.id] for r in rules if r.kind == "derived"],
        "fired_rules": fired,
        "fired_assumed": [r.id for r in assumed],
        "warnings": list(answers.warnings),
        "answers": dict(answers.values), "ruleset": ruleset.stamp,
        "tool_version": __version__})


class _Trail(dict):
    """Fired rule id -> its evidence fields, built on first use: only the rules the
    result shows need them (not the triage rules below the decided level, for example)."""

    def __init__(self, facts: dict[str, Any], ruleset: RuleSet):
        super().__init__()
        self.facts, self.ruleset, self.memo = facts, ruleset, {}

    def __missing__(self, rule_id: str) -> dict[str, Any]:
        found = self[rule_id] = evidence_fields(self.ruleset.rules_by_id[rule_id],
                                                 self.facts, self.ruleset, self.memo)
        return found


def triage_level(rules: list[Rule]) -> str:
    """The most urgent level among the triage rules that fired (self_care if none)."""
    levels = {r.level for r in rules if r.kind == "triage"}
    return next((lvl for lvl in TRIAGE_ORDER if lvl in levels), "self_care")


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


#: ``{ticked:ITEM:code,code}`` in a note's text (loading checks the item and codes)
TICKED = re.compile(r"\{ticked:([A-Za-z0-9_]+):([A-Za-z0-9_,-]+)\}")


def note_text(rule: Rule, facts: dict[str, Any], items: list[str], ruleset: RuleSet,
              assumed: list[Rule]) -> str:
    """A note as the person reads it: its text, then each part whose condition holds
    (ordinary reading), with the placeholders filled (rules/README.md, "Notes"):
    ``{unanswered}`` the questions left open, ``{ticked:ITEM:code,...}`` the labels of
    those codes the person ticked, ``{assumed}`` and ``{assumed_signs}`` the risk items
    read the worse way and the signs of ``assumed`` (the rules that gave the final level
    only through that reading)."""
    pieces = [rule.text or ""] + [part.text for part in rule.parts
                                  if conditions.evaluate(part.when, facts) is True]
    text = " ".join(piece.strip() for piece in pieces if piece.strip())
    questions = ruleset.questions.by_id
    if "{unanswered}" in text:
        text = text.replace("{unanswered}", "; ".join(questions[q].text for q in items))
    if "{ticked:" in text:
        text = TICKED.sub(lambda m: _ticked(m.group(1), m.group(2).split(","), facts,
                                              ruleset), text)
    if "{assumed" in text:
        seen = dict.fromkeys(item for r in assumed
                             for item, _ in risk_reading.assumed_items(r, facts, ruleset))
        words = ruleset.risk_reading.items
        text = text.replace("{assumed}", "; ".join(
            words[q] if ruleset.language == "en" and q in words else questions[q].text
            for q in seen))
        text = text.replace("{assumed_signs}", "; ".join(dict.fromkeys(
            words for r in assumed for words in _sign_words(r, facts, ruleset))))
    return text


def _sign_words(rule: Rule, facts: dict[str, Any], ruleset: RuleSet) -> list[str]:
    """The sign a rule read (its ``when``, never its risk), as the answers behind it:
    "Muscle weakness: Mild" -- never a medicine or condition (spec 6, N-ASSUMED-RISK)."""
    writes: list = []
    _collect(rule.when, facts, ruleset, writes, {}, True, {})
    questions = ruleset.questions.by_id
    risky = set(ruleset.risk_reading.items)
    return [f"{questions[q].text} {questions[q].describe_answer(v)}"
            for q, v, _ in writes if q in questions and q not in risky and v is not None]


def _ticked(item: str, codes: list[str], facts: dict[str, Any], ruleset: RuleSet) -> str:
    question = ruleset.questions.by_id.get(item)
    given = facts.get(item)
    given = given if isinstance(given, list) else [given]
    if question is None:
        return ""
    return "; ".join(question.label(code) for code in codes if code in given)
