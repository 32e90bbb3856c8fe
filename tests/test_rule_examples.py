"""Every rule's own examples (answers in, does it fire?) run through the real engine."""

import pytest
from conftest import FIXED_DAY

from screener.answers import validate_answers
from screener.ruleset.loading import load_ruleset
from screener.screening import screen

RULESET = load_ruleset()
CASES = [
    pytest.param(rule.id, example, id=f"{rule.id}-{n}-{example.expect}")
    for rule in RULESET.rules for n, example in enumerate(rule.examples, 1)
]


@pytest.mark.parametrize("rule_id, example", CASES)
def test_rule_example(ruleset, rule_id, example):
    answers = validate_answers(example.answers, ruleset, today=FIXED_DAY)
    result = screen(answers, ruleset)
    fired = rule_id in result.fired_rules
    assert fired == (example.expect == "fires"), (
        f"{rule_id} expected to {example.expect} on {example.answers}; fired: {result.fired_rules}")


def test_every_rule_has_a_firing_example(ruleset):
    missing = [r.id for r in ruleset.rules if not any(e.expect == "fires" for e in r.examples)]
    assert missing == []
