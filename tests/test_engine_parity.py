"""The two engines give the same screening: durable-rules (the product's) and the Python
evaluator (the oracle, and the way out should durable-rules stop building). Whole
results are compared, so triage, factors and their strengths, held-back factors, notes,
fired rule ids and their order, and every evidence trail agree."""

import random

import pytest
from conftest import FIXED_DAY, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.answers import validate_answers
from screener.authoring.generate import random_answers
from screener.engine import using
from screener.screening import screen, triage_summary


def both_engines(answers, ruleset):
    with using("durable"):
        durable = screen(answers, ruleset)
    with using("python"):
        python = screen(answers, ruleset)
    return durable, python


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1),
       skip_rate=st.sampled_from([0.0, 0.1, 0.4, 0.9]),
       not_sure_rate=st.sampled_from([0.0, 0.05, 0.3]))
def test_both_engines_give_the_same_result(ruleset, seed, skip_rate, not_sure_rate):
    answers = random_answers(ruleset, random.Random(seed), skip_rate=skip_rate,
                             not_sure_rate=not_sure_rate)
    answers["screened_on"] = "2025-01-15"  # one day for both runs (a winter month)
    durable, python = both_engines(answers, ruleset)
    assert python.fired_rules == durable.fired_rules
    assert (python.triage, python.complete) == (durable.triage, durable.complete)
    assert [(f.id, f.strength) for f in python.factors] == \
        [(f.id, f.strength) for f in durable.factors]
    assert [n.id for n in python.notes] == [n.id for n in durable.notes]
    assert python.to_json() == durable.to_json()  # the rest: trails, held back, texts


def test_both_engines_agree_on_every_rule_example(ruleset):
    """Each rule's own examples (written to fire or not fire it) through both engines."""
    for rule in ruleset.rules:
        for example in rule.examples:
            answers = validate_answers(example.answers, ruleset, today=FIXED_DAY)
            durable, python = both_engines(answers, ruleset)
            assert python.to_json() == durable.to_json(), rule.id


@pytest.mark.slow
def test_both_engines_agree_on_thousands_of_generated_sets(ruleset):
    """Issue 23: the generated Python evaluator against durable, whole results and batch
    rows, on 3,000 answer sets of every shape (gaps, not sure, every skip rate)."""
    rng = random.Random(23)
    for _ in range(3000):
        raw = random_answers(ruleset, rng, skip_rate=rng.choice([0.0, 0.1, 0.4, 0.9]),
                             not_sure_rate=rng.choice([0.0, 0.05, 0.3]))
        answers = validate_answers(raw, ruleset, today=FIXED_DAY)
        durable, python = both_engines(answers, ruleset)
        assert python.to_json() == durable.to_json()
        with using("python"):
            row = triage_summary(answers, ruleset)
        assert row == (durable.triage, {f.id: f.strength for f in durable.factors},
                       [n.id for n in durable.notes], durable.complete)
