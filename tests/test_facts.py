"""The fact vocabulary and the computed inputs (screener/ruleset/facts.py), and spec 0.1 for
derived facts: computed from an unknown answer they are unknown, never false, in the
durable engine and in the Python evaluator alike (real engine, no mocks)."""

import random

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.answers import validate_answers
from screener.authoring.generate import random_answers
from screener.completeness import is_complete, unanswered
from screener.engine import using
from screener.ruleset import compiler, conditions, facts
from screener.ruleset.cross_checks import known_names
from screener.ruleset.loading import load_ruleset
from screener.screening import COMPUTE, initial_facts, run_engine, screen

ENGINES = ["durable", "python"]  # the product's engine and the evaluator run as one


def final_facts(answers: dict, ruleset, engine: str = "durable") -> tuple[dict, list[str]]:
    """The facts after every layer, and the rules the engine fired."""
    found = initial_facts(validate_answers(answers, ruleset), ruleset)
    with using(engine):
        return found, run_engine(found, ruleset)


# ------------------------------------------------------------- derived facts unknown

@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("age, fires", [(None, False), (40, True), (80, False)])
def test_hy_urine_reads_older_adult_only_when_age_is_known(ruleset, age, fires, engine):
    """HY-URINE tests `older_adult: false`: with age unanswered it is unknown, so the
    rule neither fires nor counts as false (spec 0.1)."""
    answers = {"urine_colour": "dark_yellow"} | ({} if age is None else {"age_years": age})
    found, fired = final_facts(answers, ruleset, engine)
    want = {None: None, 40: False, 80: True}[age]
    assert found.get("older_adult") is want and found.get("minor") is (None if age is None
                                                                      else False)
    assert ("HY-URINE" in fired) is fires
    with using(engine):
        assert ("HY-URINE" in screen(answers, ruleset).fired_rules) is fires
    # the evaluator the tests use as oracle reads the same facts the same way
    verdict = conditions.evaluate(ruleset.rules_by_id["HY-URINE"].when, found)
    assert verdict is {None: None, 40: True, 80: False}[age]


NEGATED_RULES = """
  - id: HY-NOT-OLDER
    title: A negated test on a derived fact
    kind: indicator
    factor: dehydration
    when:
      all:
        - urine_colour: "dark_yellow"
        - older_adult: {is_not: true}
    reason: Only here to test how a negated test reads an unknown derived fact.
    sources: [armstrong-urine]
    examples:
      - {answers: {urine_colour: "dark_yellow", age_years: 40}, expect: fires}
  - id: HY-NOT-MINOR
    title: A negated list test on a derived fact
    kind: indicator
    factor: dehydration
    when:
      all:
        - urine_colour: "dark_yellow"
        - minor: {not_in: [true]}
    reason: Only here to test how a negated test reads an unknown derived fact.
    sources: [armstrong-urine]
    examples:
      - {answers: {urine_colour: "dark_yellow", age_years: 40}, expect: fires}
"""


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("age, expected", [
    (None, set()),  # unknown: neither negated test is true
    (40, {"HY-NOT-OLDER", "HY-NOT-MINOR"}),
    (80, {"HY-NOT-MINOR"}),
    (16, {"HY-NOT-OLDER"}),
])
def test_negated_tests_on_unknown_derived_facts_do_not_fire(rules_copy, age, expected, engine):
    path = rules_copy / "hydration.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + NEGATED_RULES,
                    encoding="utf-8")
    ruleset = load_ruleset(rules_copy)
    answers = {"urine_colour": "dark_yellow"} | ({} if age is None else {"age_years": age})
    found, fired = final_facts(answers, ruleset, engine)
    assert {"HY-NOT-OLDER", "HY-NOT-MINOR"} & set(fired) == expected
    for rule_id in ("HY-NOT-OLDER", "HY-NOT-MINOR"):  # engine and evaluator agree
        verdict = conditions.evaluate(ruleset.rules_by_id[rule_id].when, found)
        assert (verdict is True) == (rule_id in expected)
        assert (verdict is None) == (age is None)


def test_a_factor_is_still_raised_from_other_indicators_with_age_unanswered(ruleset):
    """Spec 0.1: only a *known* minor raises no factor. Age unanswered, drinking little
    still raises dehydration (HY-FLUIDS); HY-URINE, which needs the age, is not counted."""
    answers = {"urine_colour": "dark_yellow", "fluids_per_day": "under_4"}
    result = screen(answers, ruleset)
    [factor] = [f for f in result.factors if f.id == "dehydration"]
    assert [ev.rule for ev in factor.indicators] == ["HY-FLUIDS"]
    assert not result.complete and result.triage == "routine"
    minor = screen(answers | {"age_years": 16}, ruleset)  # a known minor: none raised
    assert minor.factors == [] and "TR-PROMPT-MINOR" in minor.fired_rules
    assert [h.id for h in minor.held_back] == ["dehydration"]


@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_engine_and_evaluator_agree_with_age_unanswered(ruleset, seed):
    """Over generated answers without an age: every rule fired in the engine exactly
    when the Python evaluator finds its condition true, and the age facts stay unknown."""
    answers = random_answers(ruleset, random.Random(seed), not_sure_rate=0.15)
    answers.pop("age_years", None)
    found, fired = final_facts(answers, ruleset)
    assert "older_adult" not in found and "minor" not in found
    for rule in ruleset.rules:
        assert (rule.id in fired) == (conditions.evaluate(rule.runs_when, found) is True), rule.id


# ---------------------------------------------------------------- the vocabulary

def test_factor_fact_names_are_built_in_one_place(ruleset):
    assert facts.factor_facts("vitamin_d") == (
        "vitamin_d_count", "vitamin_d_indicators", "vitamin_d_strength", "vitamin_d_raised")
    assert facts.factor_of_fact("vitamin_d_strength", ruleset.factors) == "vitamin_d"
    assert facts.factor_of_fact("vitamin_d_colour", ruleset.factors) is None
    assert facts.factor_of_fact("sunshine_count", ruleset.factors) is None


def test_every_reader_knows_the_same_factor_facts(ruleset):
    """The names screening writes, the compiler layers, loading accepts in conditions
    and lint protects from a derived rule are one list."""
    written = set(facts.factor_fact_names(ruleset.factors)) | {
        facts.TRIAGE_LEVEL, facts.TRIAGE_FIRED, facts.TRIAGE_ASSUMED}
    found, _ = final_facts({"age_years": 40}, ruleset)
    program_written = set(found) - set(ruleset.questions.by_id) - set(ruleset.computed)
    derived = {r.concludes for r in ruleset.rules if r.kind == "derived"}
    unset = {facts.factor_fact(fid, facts.STRENGTH)  # a factor not raised has no strength
             for fid in ruleset.factors if fid not in found[facts.FACTORS_RAISED]}
    assert program_written - derived == written - unset
    assert set(compiler.producers(ruleset)) - derived == written
    names = known_names(ruleset)
    assert written <= set(names)
    assert set(names) == (set(ruleset.questions.by_id) | set(ruleset.computed) | derived
                          | written)


# ---------------------------------------------------------- the computed inputs

def test_every_declared_computed_input_is_computed_as_declared(ruleset):
    for name, declared in ruleset.computed.items():
        program = facts.COMPUTED[name]
        assert name in COMPUTE, f"{name}: in facts.COMPUTED but screening cannot compute it"
        assert (program.uses, program.kind) == (tuple(declared.uses), declared.kind), name
        assert known_names(ruleset)[name]["kind"] == program.kind


def test_screening_computes_exactly_the_inputs_the_vocabulary_names():
    assert set(COMPUTE) == set(facts.COMPUTED)


@pytest.mark.parametrize("answers, expected", [
    ({"height_cm": 170, "weight_kg": 90, "screened_on": "2025-01-15"},
     {"bmi": 31.1, "screened_month": 1}),
    ({"weight_kg": 120, "screened_on": "2025-11-02"}, {"screened_month": 11}),  # no BMI
])
def test_computed_inputs_from_answers(ruleset, answers, expected):
    checked = validate_answers(answers, ruleset)
    found = initial_facts(checked, ruleset)
    assert {k: found[k] for k in ("bmi", "screened_month") if k in found} == expected
    missing, unsure = unanswered(checked, ruleset)
    assert found["unanswered_count"] == len(missing) + len(unsure)
    assert found["complete"] is is_complete(checked, ruleset) is False


def test_number_bounds(ruleset):
    indicators = sum(1 for r in ruleset.rules if r.kind == "indicator" and r.factor == "vitamin_d")
    assert facts.number_bounds("vitamin_d_count", ruleset) == (0, indicators, True)
    assert facts.number_bounds("factor_count", ruleset) == (0, len(ruleset.factors), True)
    assert facts.number_bounds("screened_month", ruleset) == (1, 12, True)
    assert facts.number_bounds("vitamin_d_strength", ruleset) is None
    assert facts.number_bounds("complete", ruleset) is None


def test_lint_reads_the_registry_for_declared_computed_inputs(rules_copy):
    """A declaration that differs from what the program computes is a finding, found
    from facts.COMPUTED (lint no longer screens made-up answers to find out)."""
    from screener.authoring.lint import lint_folder

    path = rules_copy / "ruleset.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    uses: [height_cm, weight_kg]\n" in text
    path.write_text(text.replace("    uses: [height_cm, weight_kg]\n",
                                 "    uses: [height_cm]\n    kind: bool\n"), encoding="utf-8")
    found = [f.text for f in lint_folder(rules_copy) if f.check == "never-concluded"]
    line = text.splitlines().index("  bmi:") + 1
    assert found == [f"{path}:{line}: bmi: computed input declared here as a bool from "
                     "[height_cm], but the program computes a number from "
                     "[height_cm, weight_kg]"]
