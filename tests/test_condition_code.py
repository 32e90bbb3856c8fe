"""The generated Python functions (ruleset/condition_code.py) read every condition exactly as the
reference evaluator does: spec 0.1's three values, each operator as evaluate_test
reads it. Checked on every condition of the shipped rules and question bank, over the
facts of real screenings with answers removed or made "not sure"."""

import random

import pytest
from conftest import FIXED_DAY

from screener.answers import validate_answers
from screener.authoring.generate import random_answers
from screener.engine.durable import fact_for
from screener.ruleset import conditions
from screener.ruleset.compiler import rule_layers, single_code_names
from screener.ruleset.condition_code import (
    condition_function,
    fact_function,
    layer_function,
    settle_function,
)
from screener.screening import initial_facts, run_engine


def every_condition(ruleset):
    for rule in ruleset.rules:
        yield rule.id, rule.when
        yield f"{rule.id} (engine)", rule.runs_when
        if rule.risk is not None:
            yield f"{rule.id} (risk)", rule.risk
        for i, part in enumerate(rule.parts):
            yield f"{rule.id} part {i}", part.when
    for question in ruleset.questions:
        for what in ("shown_if", "counted_if"):
            if getattr(question, what, None) is not None:
                yield f"{question.id} {what}", getattr(question, what)


def screened_facts(ruleset, count, seed):
    """The facts at the end of real screenings, then the same with gaps and not_sure:
    every name a condition reads is present, missing or unsure somewhere."""
    rng = random.Random(seed)
    for _ in range(count):
        raw = random_answers(ruleset, rng, skip_rate=rng.choice([0.0, 0.2, 0.6]),
                             not_sure_rate=rng.choice([0.0, 0.2]))
        answers = validate_answers(raw, ruleset, today=FIXED_DAY)
        facts = initial_facts(answers, ruleset)
        run_engine(facts, ruleset)
        yield facts
        blanked = {k: v for k, v in facts.items() if rng.random() > 0.3}
        for name in list(blanked):
            if isinstance(blanked[name], list) and rng.random() < 0.2:
                blanked[name] = blanked[name] + ["not_sure"]
        yield blanked


def check_all(ruleset, count, seed):
    conds = list(every_condition(ruleset))
    made = {label: condition_function(cond) for label, cond in conds}
    assert all(made.values()), "every shipped condition compiles"
    checked = 0
    for facts in screened_facts(ruleset, count, seed):
        for label, cond in conds:
            assert made[label](facts) is conditions.evaluate_reference(cond, facts), label
            checked += 1
    return checked


def test_every_shipped_condition_reads_as_the_reference(ruleset):
    assert check_all(ruleset, 150, seed=1) > 100_000


@pytest.mark.slow
def test_every_shipped_condition_reads_as_the_reference_on_thousands(ruleset):
    assert check_all(ruleset, 3000, seed=2) > 2_000_000


def test_each_layer_fires_what_the_reference_says(ruleset):
    layers = rule_layers(ruleset)
    by_layer = {}
    for rule in ruleset.rules:
        by_layer.setdefault(layers[rule.id], []).append((rule.id, rule.runs_when))
    fire = {layer: layer_function(rules) for layer, rules in by_layer.items()}
    for facts in screened_facts(ruleset, 100, seed=3):
        for layer, rules in by_layer.items():
            expected = [rid for rid, cond in rules
                        if conditions.evaluate_reference(cond, facts) is True]
            assert fire[layer](facts) == expected


def test_settling_makes_false_only_what_every_rule_denies(ruleset):
    concluding = {}
    for rule in ruleset.rules:
        if rule.kind == "derived":
            concluding.setdefault(rule.concludes, []).append(rule.when)
    settle = settle_function(list(concluding.items()))
    seen = set()
    for facts in screened_facts(ruleset, 100, seed=4):
        given = {k: v for k, v in facts.items() if k not in concluding or v is True}
        settled = dict(given)
        settle(settled)
        for name, conds in concluding.items():
            values = [conditions.evaluate_reference(c, given) for c in conds]
            if given.get(name) is True:
                expected = True
            elif all(v is False for v in values):
                expected = False
            else:
                expected = None
            assert settled.get(name, None) is expected, name
            seen.add(expected)
    assert seen == {True, False, None}


def test_the_durable_fact_is_the_same_as_fact_for(ruleset):
    as_lists = single_code_names(ruleset)
    reads = [(name, name in as_lists) for name in
             dict.fromkeys(n for r in ruleset.rules for n in conditions.names(r.runs_when))]
    make = fact_function(reads)
    for facts in screened_facts(ruleset, 50, seed=5):
        assert make(facts) == fact_for(reads, facts)


def test_codes_and_names_are_only_ever_literals():
    """A rule's names and codes come from a folder a stranger may write: quotes, newlines
    and Python in them stay data."""
    nasty = "x'); import os; os._exit(3); ('\n\"\\"
    cond = conditions.parse({"all": [{nasty: {"has_any": [nasty, "b"]}},
                                     {"any": [{nasty + "2": nasty}, {"n": {"gte": 1e309}}]}]})
    check = condition_function(cond)
    assert check({nasty: [nasty], nasty + "2": nasty}) is True
    assert check({nasty: ["c"]}) is False
    assert check({nasty: ["b"], "n": float("inf")}) is True  # inf passes gte inf
    assert layer_function([(nasty, cond)])({nasty: ["b"], nasty + "2": nasty}) == [nasty]


def test_a_condition_too_deep_for_python_still_reads_the_same():
    deep = {"x": 1}
    for _ in range(400):
        deep = {"all": [deep, {"y": {"known": True}}]}
    cond = conditions.parse(deep)
    assert condition_function(cond) is None  # Python's compiler refuses it
    for facts, expected in (({"x": 1, "y": 0}, True), ({"x": 2, "y": 0}, False),
                            ({"y": 0}, None)):
        assert conditions.evaluate(cond, facts) is expected
        assert layer_function([("R", cond)])(facts) == (["R"] if expected else [])
        facts_settled = dict(facts)
        settle_function([("d", [cond])])(facts_settled)
        assert facts_settled.get("d") is (False if expected is False else None)


def test_the_evidence_of_every_shipped_condition_is_the_reference(ruleset):
    conds = list(every_condition(ruleset))
    for facts in screened_facts(ruleset, 100, seed=6):
        for label, cond in conds:
            value, expected = conditions._evaluate_with_tests(cond, facts)
            assert conditions.true_tests(cond, facts) == (expected if value else []), label
