"""Run every rule's own examples and a folder of vignettes; measure coverage.

An example passes when its rule is (``fires``) or is not (``silent``) among the fired
rules of the screening. A vignette is a whole answer set with the expected result (see
rules/README.md for the format). Coverage says which rules, triage levels, factors and
notes no case reached: a rule that nothing fires is untested. No I/O except reading
the vignette files; nothing is printed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from ..engine import using
from ..errors import AnswersError, RulesError
from ..result import Result
from ..ruleset.models import RuleSet
from ..screening import screen
from ..types import TRIAGE_ORDER, Frozen


class Case(Frozen):
    kind: str  # "example" or "vignette"
    name: str  # "VD-SUN example 1 (fires)" or the vignette file name
    passed: bool
    problems: list[str] = []


class Coverage(Frozen):
    rules: list[str]  # every rule id
    rules_missed: list[str]
    triage_missed: list[str]
    factors: list[str]  # every factor id
    factors_missed: list[str]
    notes: list[str]  # every rule that can show a note
    notes_missed: list[str]


class Report(Frozen):
    cases: list[Case]
    coverage: Coverage

    @property
    def failed(self) -> list[Case]:
        return [c for c in self.cases if not c.passed]

    @property
    def ok(self) -> bool:
        """No case failed and every rule fired at least once."""
        return not self.failed and not self.coverage.rules_missed


class Expect(BaseModel):
    """What a vignette expects; every key is optional, only given keys are checked."""

    model_config = ConfigDict(extra="forbid")
    triage: str | None = None
    factors: dict[str, str] | None = None  # factor id -> strength ("some" | "several")
    notes_include: list[str] = []
    notes_exclude: list[str] = []
    held_back: list[str] | None = None
    complete: bool | None = None  # spec 5: enough answers to rule the factors out


class Vignette(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = ""
    story: str = ""
    answers: dict
    expect: Expect = Field(default_factory=Expect)


def run_all(ruleset: RuleSet, vignette_folder: str | Path | None = None,
            today: dt.date | None = None, engine: str | None = None) -> Report:
    """Every example, then every ``*.json`` vignette in the folder (if given), screened
    with ``engine`` ("durable" or "python", see engine.py; None: the chosen one)."""
    with using(engine):
        return _run_all(ruleset, vignette_folder, today)


def _run_all(ruleset: RuleSet, vignette_folder: str | Path | None,
             today: dt.date | None) -> Report:
    cases: list[Case] = []
    results: list[Result] = []
    for rule in ruleset.rules:
        for n, example in enumerate(rule.examples, 1):
            name = f"{rule.id} example {n} ({example.expect})"
            try:
                result = screen(example.answers, ruleset, today=today)
            except AnswersError as exc:
                invalid = [f"invalid answers: {p}" for p in exc.problems or [exc.message]]
                cases.append(Case(kind="example", name=name, passed=False, problems=invalid))
                continue
            results.append(result)
            fired = rule.id in result.fired_rules
            problems = [] if fired == (example.expect == "fires") else [
                f"expected {rule.id} to {'fire' if example.expect == 'fires' else 'stay silent'}; "
                f"fired: {', '.join(result.fired_rules) or 'nothing'}"]
            assumed = rule.id in result.fired_assumed
            if fired and example.assumed is not None and assumed != example.assumed:
                wanted = ("only by assuming its risk" if example.assumed
                          else "on the answers as given")
                problems.append(
                    f"expected {rule.id} to fire {wanted}"
                    f"; it fired {'only by assuming' if assumed else 'on the answers as given'}")
            cases.append(Case(kind="example", name=name, passed=not problems, problems=problems))
    if vignette_folder is not None:
        if not Path(vignette_folder).is_dir():
            raise RulesError(f"no such vignette folder: {vignette_folder}")
        for path in sorted(Path(vignette_folder).glob("*.json")):
            case, screened = run_vignette(path, ruleset, today)
            cases.append(case)
            if screened is not None:
                results.append(screened)
    return Report(cases=cases, coverage=coverage(ruleset, results))


def run_vignette(path: Path, ruleset: RuleSet, today: dt.date | None) -> tuple[Case, Result | None]:
    from pydantic import ValidationError

    try:
        vignette = Vignette.model_validate(json.loads(path.read_text(encoding="utf-8")))
        result = screen(vignette.answers, ruleset, today=today, source=str(path))
    except (ValueError, ValidationError, AnswersError) as exc:  # JSONDecodeError is a ValueError
        problems = getattr(exc, "problems", None) or [str(exc).splitlines()[0]]
        return Case(kind="vignette", name=str(path), passed=False,
                    problems=[f"cannot run: {p}" for p in problems]), None
    return Case(kind="vignette", name=str(path), problems=(p := compare(vignette.expect, result)),
                passed=not p), result


def compare(expect: Expect, result: Result) -> list[str]:
    """What differs between the expected and the actual result, in words."""
    problems = []
    if expect.triage is not None and result.triage != expect.triage:
        problems.append(f"triage: expected {expect.triage}, got {result.triage}")
    factors = {f.id: f.strength for f in result.factors}
    if expect.factors is not None and factors != expect.factors:
        problems.append(f"factors: expected {_pairs(expect.factors)}, got {_pairs(factors)}")
    notes = {n.id for n in result.notes}
    missing = [n for n in expect.notes_include if n not in notes]
    if missing:
        got = ", ".join(sorted(notes)) or "none"
        problems.append(f"notes: expected {', '.join(missing)} (got {got})")
    unwanted = [n for n in expect.notes_exclude if n in notes]
    if unwanted:
        problems.append(f"notes: did not expect {', '.join(unwanted)}")
    if expect.complete is not None and result.complete != expect.complete:
        problems.append(f"complete: expected {str(expect.complete).lower()}, "
                        f"got {str(result.complete).lower()}")
    held = [h.id for h in result.held_back]
    if expect.held_back is not None and held != expect.held_back:
        problems.append(f"held back: expected {', '.join(expect.held_back) or 'none'}, "
                        f"got {', '.join(held) or 'none'}")
    return problems


def _pairs(mapping: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in mapping.items()) or "none"


def coverage(ruleset: RuleSet, results: list[Result]) -> Coverage:
    fired = {r for result in results for r in result.fired_rules}
    levels = {result.triage for result in results}
    raised = {f.id for result in results for f in result.factors}
    shown = {n.id for result in results for n in result.notes}
    note_rules = [r.id for r in ruleset.rules if r.makes_note]
    return Coverage(
        rules=[r.id for r in ruleset.rules],
        rules_missed=[r.id for r in ruleset.rules if r.id not in fired],
        triage_missed=[lvl for lvl in TRIAGE_ORDER if lvl not in levels],
        factors=list(ruleset.factors),
        factors_missed=[f for f in ruleset.factors if f not in raised],
        notes=note_rules, notes_missed=[n for n in note_rules if n not in shown])
