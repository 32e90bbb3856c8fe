"""Safety properties over many generated valid answer sets (real engine, no mocks).

- no output in any format or view matches the dose pattern (spec principle 2);
- any red-flag answer gives `urgent` (red flags always win);
- symptoms alone never raise a factor (principle 4);
- every raised factor has at least one indicator with a source (principle 6);
- v2: kidney disease or dialysis never raises potassium, magnesium or calcium intake
  (principle 7); an incomplete screening is never self care and says so in every format;
  the signs of nerve irritability are never below prompt; nothing advises a person with
  a fluid limit to drink more;
- the engine (durable) and the Python reading of each condition agree;
- the same answers always give byte-identical JSON.
"""

import json
import random
import re
from pathlib import Path

import pytest
from conftest import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.authoring.generate import random_answers
from screener.reports import FORMATS, VIEWS, get_format, render
from screener.ruleset import conditions
from screener.ruleset.models import NOT_SURE
from screener.safety import DIAGNOSIS_RE, DOSE_RE, find_unsafe_text
from screener.screening import screen

SYMPTOMS = ["muscle_cramps", "muscle_twitching", "tingling", "nerve_symptoms_new",
            "muscle_weakness", "bone_pain", "fatigue", "dizzy_on_standing", "constipation",
            "palpitations"]
#: a well adult who answered every question (a vignette), as a base to vary
WELL_ADULT = json.loads((Path(__file__).parent / "vignettes" / "healthy-adult.json")
                        .read_text())["answers"]
ABOVE_ROUTINE = ("urgent", "same_day", "prompt")
URGENT_SYMPTOM_ANSWERS = {"muscle_weakness": "severe_or_worsening",
                          "palpitations": "with_chest_pain_or_fainting"}

seeds = st.integers(min_value=0, max_value=2**32 - 1)
common = settings(max_examples=examples(300), deadline=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])


def answers_from(ruleset, seed, **kwargs):
    return random_answers(ruleset, random.Random(seed), **kwargs)


@pytest.mark.slow  # a large property run (40-120 s each here)
@common
@given(seed=seeds)
def test_no_output_contains_a_dose(ruleset, seed):
    result = screen(answers_from(ruleset, seed, red_flag_rate=0.02), ruleset)
    for fmt in FORMATS:
        if get_format(fmt).BINARY:
            # compressed bytes match the pattern by chance: the PDF's extracted text is
            # scanned in tests/test_report_safety.py instead
            continue
        for view in VIEWS:
            output = render(result, ruleset, fmt, view)
            assert find_unsafe_text(output) is None, (fmt, view, find_unsafe_text(output))


@common
@given(seed=seeds, flags=st.lists(st.sampled_from(
    ["hands_feet_locked", "seizure", "chest_pain", "fainting", "confusion",
     "throat_tight_or_breathless", "cola_urine", "sudden_severe_weakness",
     "cannot_keep_fluids_down", "no_urine_8h"]), min_size=1, max_size=3, unique=True))
def test_any_red_flag_is_urgent(ruleset, seed, flags):
    answers = answers_from(ruleset, seed)
    answers["red_flags_now"] = flags
    result = screen(answers, ruleset)
    assert result.triage == "urgent"
    assert any(ev.rule == "TR-URGENT-RED-FLAG" for ev in result.triggered_by)
    person = render(result, ruleset, "text", "person")
    assert "URGENT" in person and "Possible contributing factors" not in person


@common
@given(seed=seeds)
def test_symptoms_alone_never_raise_a_factor(ruleset, seed):
    """A well adult's answers with random symptoms: nothing may be raised, and the
    triage is set by the symptoms alone (self care, or prompt and above for the
    symptoms that need a clinician)."""
    full = answers_from(ruleset, seed, skip_rate=0.0)
    answers = {k: v for k, v in WELL_ADULT.items() if k not in SYMPTOMS}
    answers.update({k: full[k] for k in SYMPTOMS if k in full})
    result = screen(answers, ruleset)
    assert result.factors == []
    assert result.complete
    if not any(answers.get(k) == v for k, v in URGENT_SYMPTOM_ANSWERS.items()):
        # v3: frequent twitching alone is routine (TR-ROUTINE-TWITCHING)
        floor = ("routine",) if answers.get("muscle_twitching") == "frequent" else ()
        assert result.triage in ("prompt", "self_care") + floor


@common
@given(seed=seeds)
def test_every_factor_has_sourced_indicators(ruleset, seed):
    result = screen(answers_from(ruleset, seed), ruleset)
    for factor in result.factors:
        assert factor.indicators
        for ev in factor.indicators:
            assert ev.sources and all(s in ruleset.sources for s in ev.sources)
            assert ev.rule in ruleset.rules_by_id
    for ev in result.triggered_by:
        assert ev.sources
    if result.factors and result.triage not in ABOVE_ROUTINE:
        assert result.triage == "routine"
    if result.triage == "routine":  # a factor, too few answers, or thirst despite drinking
        assert result.factors or not result.complete or "TR-ROUTINE-THIRST" in result.fired_rules


@pytest.mark.slow  # a large property run (40-120 s each here)
@common
@given(seed=seeds, conditions=st.lists(st.sampled_from(
    ["kidney_disease", "dialysis", "diabetes", "malabsorption", "ileostomy",
     "fluid_restriction", "eating_disorder"]), min_size=1, max_size=3, unique=True))
def test_kidney_never_raises_potassium_magnesium_or_calcium(ruleset, seed, conditions):
    """Principle 7: with kidney disease or dialysis these can run high; never 'low'."""
    answers = answers_from(ruleset, seed, not_sure_rate=0.1)
    if not {"kidney_disease", "dialysis"} & set(conditions):
        conditions = conditions + ["dialysis"]
    answers["conditions"] = conditions
    result = screen(answers, ruleset)
    assert not {f.id for f in result.factors} & {"potassium", "magnesium", "calcium_intake"}
    assert "N-KIDNEY" in {n.id for n in result.notes}
    for fmt in ("text", "md", "html"):
        for view in VIEWS:
            output = render(result, ruleset, fmt, view)
            for label in ("Possible low potassium", "Possible low magnesium",
                          "Possibly low calcium intake"):
                assert label not in output, (fmt, view, label)


@pytest.mark.slow  # a large property run (40-120 s each here)
@common
@given(seed=seeds, skip_rate=st.sampled_from([0.0, 0.2, 0.4, 0.8, 1.0]))
def test_incomplete_is_never_self_care_and_says_so(ruleset, seed, skip_rate):
    result = screen(answers_from(ruleset, seed, skip_rate=skip_rate, not_sure_rate=0.2),
                    ruleset)
    if result.complete:
        return
    assert result.triage != "self_care"
    assert result.triage in ("same_day", "prompt", "routine")  # urgent is always complete
    for fmt in ("text", "md", "html"):
        for view in VIEWS:
            assert "Incomplete screening" in render(result, ruleset, fmt, view), (fmt, view)


@common
@given(seed=seeds, sign=st.sampled_from([("tingling", "mouth_or_fingertips"),
                                         ("muscle_twitching", "frequent")]))
def test_nerve_irritability_is_never_below_prompt(ruleset, seed, sign):
    """Tingling around the mouth or fingertips is at least prompt. v3 (spec 5.3, 0.2):
    frequent twitching is prompt only with weakness (any, not_sure included) or a nerve
    risk (read the worse way); alone it is routine (TR-ROUTINE-TWITCHING), never less."""
    answers = answers_from(ruleset, seed, not_sure_rate=0.1)
    answers[sign[0]] = sign[1]
    result = screen(answers, ruleset)
    if sign[0] == "tingling" or answers.get("muscle_weakness", "none") != "none":
        assert result.triage in ABOVE_ROUTINE
    else:
        assert result.triage in ABOVE_ROUTINE + ("routine",)


# advice to drink more, not a warning against it ("do not drink extra water": N-LOW-SODIUM)
DRINK_MORE = re.compile(r"(?<!not )(?<!never )\bdrink(ing|s)? (more|plenty|regularly|extra)\b"
                        r"(?! or less| than)",
                        re.IGNORECASE)


@pytest.mark.slow  # a large property run (40-120 s each here)
@common
@given(seed=seeds, limit=st.sampled_from(["dialysis", "fluid_restriction"]))
def test_nothing_tells_a_fluid_limited_person_to_drink_more(ruleset, seed, limit):
    answers = answers_from(ruleset, seed)
    answers["conditions"] = [limit]
    result = screen(answers, ruleset)
    assert "N-FLUID-LIMIT" in {n.id for n in result.notes}
    for fmt in ("text", "md", "html", "json"):
        for view in VIEWS:
            output = " ".join(render(result, ruleset, fmt, view).split())  # unwrap lines
            assert not DRINK_MORE.search(output), (fmt, view, DRINK_MORE.search(output))


@common
@given(seed=seeds)
def test_engine_agrees_with_python_reading_of_conditions(ruleset, seed):
    """The compiled durable JSON means what the YAML says: for every rule, it fired
    in the engine exactly when its condition is true on the final facts."""
    from screener.answers import validate_answers
    from screener.screening import initial_facts, run_engine

    answers = validate_answers(answers_from(ruleset, seed, not_sure_rate=0.15), ruleset)
    facts = initial_facts(answers, ruleset)
    fired = set(run_engine(facts, ruleset))
    for rule in ruleset.rules:
        assert (rule.id in fired) == (conditions.evaluate(rule.runs_when, facts) is True), rule.id


@settings(max_examples=examples(50), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=seeds)
def test_same_answers_same_json(ruleset, seed):
    answers = answers_from(ruleset, seed)
    answers.setdefault("screened_on", "2025-03-01")
    first = screen(answers, ruleset).to_json()
    screen(answers_from(ruleset, seed + 1), ruleset)  # other work in between
    assert screen(dict(answers), ruleset).to_json() == first


def test_guard_patterns():
    """The guard catches the spec's pattern and its plurals, and diagnosis wording,
    but not our own safe phrases."""
    for bad in ["take 400 IU", "1000mg", "5 units", "2.5 mmol", "the dose", "no doses",
                "dosing", "1 g", "about 250 ml"]:  # issue 20: ml is an amount too
        assert DOSE_RE.search(bad), bad
    for bad in ["You have a vitamin D deficiency", "you are deficient", "a diagnosis of",
                "you have hypokalaemia", "You are dehydrated"]:
        assert DIAGNOSIS_RE.search(bad), bad
    for fine in ["This is a screening, not a diagnosis.", "Possible low vitamin D",
                 "about a quarter of a litre", "75 kg", "Possible dehydration",
                 "a blood test may be appropriate",
                 "Has a doctor ever told you that you have any of these?"]:
        assert find_unsafe_text(fine) is None, fine


def test_not_sure_on_red_flags_escalates(ruleset):
    result = screen({"red_flags_now": [NOT_SURE]}, ruleset)
    assert result.triage == "prompt"
    assert "red_flags_now" in result.not_sure
