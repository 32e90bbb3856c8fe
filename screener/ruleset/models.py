"""Pydantic models of the reviewable data in ``rules/``: questions, sources, factors, rules.

These describe *content*; the answers and the screening result have their own modules
(``answers.py``, ``result.py``). Every model is frozen: loaded content never changes.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from ..types import ID_PATTERN, TRIAGE_ORDER, Strict, TriageLevelId  # noqa: F401 (re-exported)
from . import conditions
from .conditions import Condition

ConditionField = Annotated[Condition, BeforeValidator(conditions.parse)]
#: Ids of questions, codes, rules, factors and sources: letters, digits, '_' and '-'.
#: engine.durable relies on it (a rule id needs no JSON escaping, see rule_id_of).
Id = Annotated[str, Field(pattern=ID_PATTERN)]

NOT_SURE = "not_sure"
NONE = "none"


class Located(Strict):
    """Content that remembers where it was written, for error messages and cards."""

    file: str = Field(default="", exclude=True)
    line: int = Field(default=0, exclude=True)


# ------------------------------------------------------------------------ questions

class Option(Strict):
    code: Id
    label: str


class Question(Located):
    id: Id
    type: Literal["int", "choice", "multi", "date"]
    text: str
    help: str = ""
    options: list[Option] = []
    min: int | None = None
    max: int | None = None
    unit: str = ""
    optional: bool = False
    not_sure: bool | None = None  # default: allowed for choice and multi
    default: Literal["today"] | None = None
    shown_if: ConditionField | None = None
    #: completeness (spec 5) counts the item only where this is definitely true
    #: (``counted_if``), and never with ``counted: false`` (items added after a ruleset
    #: version, so that older answer files keep their count)
    counted: bool = True
    counted_if: ConditionField | None = None
    #: answers used even where the skip logic hides the item, with a warning to check
    #: them (spec 0.1: a pregnancy answer "pregnant" is never ignored)
    used_when_hidden: list[str] = []
    section: str = Field(default="", exclude=True)

    @model_validator(mode="after")
    def _shape(self):
        if self.type in ("choice", "multi"):
            if not self.options:
                raise ValueError(f"a {self.type} question needs 'options'")
            codes = [o.code for o in self.options]
            dupes = sorted({c for c in codes if codes.count(c) > 1})
            if dupes:
                raise ValueError(f"duplicate option codes: {', '.join(dupes)}")
            if NOT_SURE in codes:
                raise ValueError("do not list 'not_sure' as an option: set 'not_sure: true'")
        elif self.options:
            raise ValueError(f"an {self.type} question has no 'options'")
        if self.type == "int" and (self.min is None or self.max is None or self.min > self.max):
            raise ValueError("an int question needs 'min' and 'max' with min <= max")
        return self

    @property
    def allows_not_sure(self) -> bool:
        if self.not_sure is None:
            return self.type in ("choice", "multi")
        return self.not_sure

    @property
    def codes(self) -> list[str]:
        """Every accepted code, `not_sure` included where allowed."""
        codes = [o.code for o in self.options]
        return codes + [NOT_SURE] if self.allows_not_sure else codes

    def label(self, code: Any) -> str:
        """Human label for a code (or the value itself for numbers and dates)."""
        if code == NOT_SURE:
            from ..i18n import _
            return _("Not sure")
        for option in self.options:
            if option.code == code:
                return option.label
        if self.unit and isinstance(code, (int, float)) and not isinstance(code, bool):
            return f"{code} {self.unit}"
        return str(code)

    def describe_answer(self, value: Any) -> str:
        if value is None:  # a trail's gap (a test on the item being unanswered)
            from ..i18n import _
            return _("Not answered")
        if isinstance(value, list):
            return "; ".join(self.label(v) for v in value)
        return self.label(value)


class Section(Strict):
    id: Id
    title: str
    intro: str = ""
    questions: list[Question]


class QuestionBank(Strict):
    sections: list[Section]

    @cached_property
    def by_id(self) -> dict[str, Question]:
        return {q.id: q for s in self.sections for q in s.questions}

    def __iter__(self):
        return iter(self.by_id.values())


# ---------------------------------------------------------------------- references

class Source(Strict):
    id: Id
    citation: str
    url: str = ""
    note: str = ""


# -------------------------------------------------------------------------- factors

class Factor(Located):
    id: Id
    label: str  # "Possible low vitamin D"
    summary: str  # one plain sentence: what this factor means
    ask: list[str]  # questions to ask a clinician
    sources: list[Id] = Field(min_length=1)


class TriageLevel(Strict):
    id: TriageLevelId
    title: str  # "Get urgent medical care now"
    message: str  # what the person should do


# ---------------------------------------------------------------------------- rules

class Example(Strict):
    """A rule's own test case: answers in, does the rule fire?"""

    answers: dict[str, Any]
    expect: Literal["fires", "silent"]
    says: str = ""  # why this example matters, for reviewers
    #: for a rule with ``risk``: it fired only through the worse reading (true), or on
    #: the ordinary reading (false); not checked when left out
    assumed: bool | None = None


class NotePart(Strict):
    """A sentence of a note shown only when its own condition holds (ordinary reading):
    notes worded to what was ticked, time words taken from the final level."""

    when: ConditionField
    text: str


class Rule(Located):
    id: Id
    title: str
    kind: Literal["derived", "indicator", "exception", "symptom", "triage", "note"]
    when: ConditionField
    reason: str  # plain-language reason shown to people
    sources: list[Id] = Field(min_length=1)
    examples: list[Example] = Field(min_length=1)
    factor: Id | None = None  # indicator, exception, symptom
    concludes: Id | None = None  # derived: the fact name it makes true
    level: TriageLevelId | None = None  # triage
    text: str | None = None  # note (and exception) text for the person
    blocks_factors: bool = False  # triage: when it fires, no factor is raised
    #: triage: the spec's "SIGN with risk RISK": ``when`` is the sign, this the risk,
    #: read the worse way (spec 0.1, screener/ruleset/risk_reading.py)
    risk: ConditionField | None = None
    first: bool = False  # note: shown directly under the triage message
    parts: list[NotePart] = []  # note: sentences added when their condition holds
    @cached_property
    def runs_when(self) -> Condition:
        """The condition the engines fire on: ``when``, and for a rule with ``risk`` the
        worse reading of its risk (risk_reading.attach sets it when the folder loads;
        a cached property, not a private attribute: it is read for every fired rule of
        every screening, and pydantic's private attributes are slow to read)."""
        return self.when

    @cached_property
    def ordinary_when(self) -> Condition:
        """``when`` and ``risk`` both read the ordinary way: did the rule fire without
        assuming anything?"""
        if self.risk is None:
            return self.when
        return conditions.All(all=[self.when, self.risk])

    @property
    def conditions_written(self) -> list[Condition]:
        """Every condition the author wrote: ``when``, ``risk`` and each part's."""
        found = [self.when] + ([self.risk] if self.risk is not None else [])
        return found + [part.when for part in self.parts]

    @property
    def concluded_fact(self) -> str:
        """The fact a derived rule makes true: ``concludes``, which every derived rule has
        (``_fields_for_kind``), typed as a name for the code that reads derived rules."""
        if self.concludes is None:
            raise ValueError(f"rule {self.id} is a {self.kind} rule: it concludes no fact")
        return self.concludes

    @property
    def makes_note(self) -> bool:
        """Its text is shown as a note when it fires (notes, and exceptions with text)."""
        return bool(self.text) and self.kind in ("note", "exception")

    @model_validator(mode="after")
    def _fields_for_kind(self):
        need = {"derived": ["concludes"], "indicator": ["factor"], "exception": ["factor"],
                "symptom": ["factor"], "triage": ["level"], "note": ["text"]}[self.kind]
        for name in need:
            if getattr(self, name) in (None, ""):
                raise ValueError(f"a {self.kind} rule needs '{name}'")
        if self.blocks_factors and self.kind != "triage":
            raise ValueError("only a triage rule can have 'blocks_factors'")
        if self.risk is not None and self.kind != "triage":
            raise ValueError("only a triage rule can have 'risk' (the spec's 'with risk')")
        if (self.first or self.parts) and self.kind != "note":
            raise ValueError("only a note can have 'first' or 'parts'")
        return self


class Computed(Strict):
    """An input the engine computes before the rules run (arithmetic rules can't do)."""

    meaning: str
    uses: list[str] = []  # the answers it is computed from, for the evidence trail
    kind: Literal["number", "bool"] = "number"  # what conditions may test it against


class RiskReading(Strict):
    """How the ``risk`` part of a triage rule reads unknown answers (spec 0.1): a test on
    one of ``items`` that is unanswered or "not sure" reads as true."""

    items: dict[str, str] = {}  # question id -> its words for people ("your medicines")
    cap: dict[TriageLevelId, TriageLevelId] = {}  # level of a rule that only assumed -> given


class Translation(Strict):
    """Which translation of the texts a RuleSet carries (see screener/ruleset/locales.py)."""

    code: str  # "es"
    name: str  # "Spanish"
    native: str = ""  # "Español"
    reviewed: bool = False  # signed off by a bilingual clinician
    reviewed_by: str = ""
    hash: str = ""  # sha256 of the locale file


class RuleSet(Strict):
    """Everything loaded from one rules folder, cross-checked."""

    name: str
    version: str
    several_at: int  # indicators from which strength is "several"
    folder: str
    content_hash: str
    questions: QuestionBank
    sources: dict[str, Source]
    triage: dict[str, TriageLevel]
    factors: dict[str, Factor]
    rules: list[Rule]
    computed: dict[str, Computed]
    risk_reading: RiskReading = RiskReading()
    hazard_log: str = ""  # file name of the hazard log in the folder ("" = none)
    #: the language of the texts; ids, codes and conditions never change with it
    language: str = "en"
    translation: Translation | None = None

    @cached_property
    def rules_by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @property
    def stamp(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "hash": self.content_hash}
