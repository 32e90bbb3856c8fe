"""The screening result: the machine contract behind ``--format json`` and every report.

Frozen pydantic models; field order is the JSON order, so the same answers always give
byte-identical JSON.
"""

from __future__ import annotations

from typing import Any

from .types import FactorStrength, Frozen, TriageLevelId

SCHEMA_VERSION = "3"  # 3: assumed risk in trails, first notes (ruleset 3.0.0)


class AssumedRisk(Frozen):
    """A risk item a triage rule read the worse way (spec 0.1): "assumed risk: medicines
    not answered"."""

    item: str  # question id
    reading: str  # "not answered" or "not sure"


class Evidence(Frozen):
    """Why a rule fired: the trail every factor, triage decision and note carries."""

    rule: str
    title: str
    reason: str
    answers: dict[str, Any]  # question id -> the answer that made the rule fire
    facts: dict[str, Any] = {}  # derived or concluded facts the rule relied on
    sources: list[str]
    #: a triage rule that fired only through the worse reading of its risk: the items
    #: it assumed (an urgent rule then gives same_day: spec 0.1)
    assumed_risk: list[AssumedRisk] = []


class Symptom(Frozen):
    question: str
    answer: Any
    label: str  # "Muscle cramps: weekly or more"


class FactorResult(Frozen):
    id: str
    label: str
    summary: str
    strength: FactorStrength
    indicators: list[Evidence]
    consistent_symptoms: list[Symptom]
    ask: list[str]
    sources: list[str]


class HeldBack(Frozen):
    """A factor whose indicators fired but an exception kept it from being raised."""

    id: str
    label: str
    indicators: list[Evidence]
    because: list[Evidence]


class Note(Frozen):
    id: str
    text: str
    evidence: Evidence
    first: bool = False  # shown directly under the triage message (spec 6)


class Triage(Frozen):
    level: TriageLevelId
    title: str
    message: str


class Completeness(Frozen):
    """How many counted questions there were and how many were unanswered or not sure
    (spec section 5). An urgent result is complete whatever these say."""

    counted: int
    missing: int


class RulesetStamp(Frozen):
    name: str
    version: str
    hash: str


class Result(Frozen):
    schema_version: str = SCHEMA_VERSION
    respondent_id: str | None
    screened_on: str | None
    triage: TriageLevelId
    triage_detail: Triage
    complete: bool
    completeness: Completeness
    triggered_by: list[Evidence]
    factors: list[FactorResult]
    held_back: list[HeldBack]
    notes: list[Note]
    unanswered: list[str]
    not_sure: list[str]
    derived_facts: list[Evidence]
    fired_rules: list[str]
    #: fired triage rules that held only through the worse reading of their risk
    fired_assumed: list[str] = []
    warnings: list[str]
    answers: dict[str, Any]
    ruleset: RulesetStamp
    tool_version: str

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"
