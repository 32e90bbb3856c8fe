"""The unusual-combination checks are data: loaded, cross-checked and evaluated."""

import pytest

from screener.errors import RulesError
from screener.ruleset.consistency import load_checks, triggered
from screener.ruleset.loading import load_ruleset


def test_shipped_checks_load(ruleset):
    ids = [c.id for c in load_checks(ruleset)]
    assert "much-fluid-little-urine" in ids


def test_triggered_only_by_the_answer_just_given(ruleset):
    checks = load_checks(ruleset)
    answers = {"fluids_per_day": "over_8", "urination_under_4_per_day": "yes"}
    assert [c.id for c in triggered(checks, answers, "urination_under_4_per_day", set())] \
        == ["much-fluid-little-urine"]
    assert triggered(checks, answers, "age_years", set()) == []
    assert triggered(checks, answers, "urination_under_4_per_day",
                     {"much-fluid-little-urine"}) == []


def test_bad_check_names_file_and_line(rules_copy):
    (rules_copy / "consistency.yaml").write_text(
        "checks:\n  - id: typo\n    when: {fluids_per_dya: over_8}\n    ask: Sure?\n")
    with pytest.raises(RulesError) as err:
        load_checks(load_ruleset(rules_copy))
    text = str(err.value)
    assert "consistency.yaml:2: typo: when: unknown name 'fluids_per_dya'" in text
    assert "did you mean 'fluids_per_day'" in text
