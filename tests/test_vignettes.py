"""Clinical vignettes (tests/vignettes/*.json): whole answer sets with the expected
triage, factors and strengths, notes and held-back factors, written from the spec."""

import json
from pathlib import Path

import pytest
from conftest import FIXED_DAY

from screener.answers import validate_answers
from screener.ruleset.models import TRIAGE_ORDER
from screener.screening import screen

VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.json"))


@pytest.mark.parametrize("path", VIGNETTES, ids=lambda p: p.stem)
def test_vignette(ruleset, path):
    case = json.loads(path.read_text())
    expect = case["expect"]
    result = screen(case["answers"], ruleset, today=FIXED_DAY)
    assert result.triage == expect["triage"], case["story"]
    assert {f.id: f.strength for f in result.factors} == expect["factors"], case["story"]
    notes = {n.id for n in result.notes}
    assert set(expect["notes_include"]) <= notes, case["story"]
    assert not set(expect["notes_exclude"]) & notes, case["story"]
    assert [h.id for h in result.held_back] == expect["held_back"], case["story"]
    assert result.complete == expect["complete"], case["story"]


def test_screen_validates_raw_answers_on_the_given_day(ruleset):
    """screen(raw, today=) is validate_answers(raw, today=) then screen: one call for
    every caller. Validated answers already carry their day: a second one is an error."""
    raw = json.loads(VIGNETTES[0].read_text())["answers"]
    validated = validate_answers(raw, ruleset, today=FIXED_DAY)
    assert screen(raw, ruleset, today=FIXED_DAY) == screen(validated, ruleset)
    with pytest.raises(TypeError):
        screen(validated, ruleset, today=FIXED_DAY)


def test_vignettes_cover_every_triage_level_factor_and_note(ruleset):
    cases = [json.loads(p.read_text())["expect"] for p in VIGNETTES]
    assert {c["triage"] for c in cases} == set(TRIAGE_ORDER)
    assert {c["complete"] for c in cases} == {True, False}
    assert {f for c in cases for f in c["factors"]} == set(ruleset.factors)
    note_rules = {r.id for r in ruleset.rules if r.makes_note}
    assert note_rules <= {n for c in cases for n in c["notes_include"]}
    exceptions = {r.factor for r in ruleset.rules if r.kind == "exception"}
    assert exceptions <= {h for c in cases for h in c["held_back"]}
