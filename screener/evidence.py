"""The result of one screening, explained: fired rules and facts in, a ``Result`` out,
each decision with its evidence trail (the answers behind it, derived facts traced down
to answers), the notes in the person's words and the triage message. No I/O.

screening.py decides (facts, engine); this module only reads what it decided.
"""

from __future__ import annotations

import re
from typing import Any

from .answers import ValidatedAnswers
from .completeness import completeness, is_complete, question_order, unanswered
from .result import Result
from .ruleset import conditions, risk_reading
from .ruleset.facts import (
    INDICATORS,
    RAISED,
    STRENGTH,
    TRIAGE_LEVEL,
    answers_used,
    factor_fact,
    factor_of_fact,
)
from .ruleset.models import Rule, RuleSet
from .types import TRIAGE_ORDER
from .version import __version__


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
    found: dict[str, Any] = {
        "rule": rule.id, "title": rule.title, "reason": rule.reason, "answers": ordered,
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


#: ruleset hash -> derived fact -> the first derived rule concluding it (built once)
_derived_by_fact: dict[str, dict[str, Rule]] = {}


def derived_rule(name: str, ruleset: RuleSet) -> Rule | None:
    """The (first) derived rule that concludes fact ``name``, None for any other fact."""
    by_fact = _derived_by_fact.get(ruleset.content_hash)
    if by_fact is None:
        by_fact = _derived_by_fact[ruleset.content_hash] = {}
        for rule in ruleset.rules:
            if rule.kind == "derived":
                by_fact.setdefault(rule.concluded_fact, rule)
    return by_fact.get(name)


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
        self.facts, self.ruleset = facts, ruleset
        self.memo: dict[str, list] = {}

    def __missing__(self, rule_id: str) -> dict[str, Any]:
        found = self[rule_id] = evidence_fields(self.ruleset.rules_by_id[rule_id],
                                                 self.facts, self.ruleset, self.memo)
        return found


def triage_level(rules: list[Rule]) -> str:
    """The most urgent level among the triage rules that fired (self_care if none)."""
    levels = {r.level for r in rules if r.kind == "triage"}
    return next((lvl for lvl in TRIAGE_ORDER if lvl in levels), "self_care")




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
