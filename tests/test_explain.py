"""screener explain: the reasoning tree and near misses, on personas and vignettes
(real engine: near misses come from re-running the real screening)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_DAY, ROOT

from screener.answers import validate_answers
from screener.cli import main
from screener.explain import candidate_values, explain, render
from screener.personas import load_personas
from screener.safety import find_unsafe_text
from screener.screening import screen

VIGNETTES = sorted((Path(__file__).parent / "vignettes").glob("*.json"))


@pytest.fixture(scope="module")
def personas(ruleset):
    return load_personas(None, ruleset)


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)


def answers_of(persona, drop=()):
    return {k: v for k, v in persona.answers.items() if k not in drop}


def test_tree_goes_from_triage_down_to_answers(ruleset, personas):
    expl = explain(validate_answers(personas["office-worker-winter"].answers, ruleset), ruleset)
    root = expl.tree
    assert (root.kind, root.id) == ("triage", "routine")
    assert root.children[0].id == "TR-ROUTINE"
    nodes = list(walk(root))
    factors = [n for n in nodes if n.kind == "factor"]
    assert [f.id for f in factors] == ["vitamin_d", "calcium_intake"]
    vitd = factors[0]
    assert {c.id for c in vitd.children if c.kind == "rule"} == {"VD-SUN", "VD-DIET", "VD-SEASON"}
    season = next(n for n in nodes if n.id == "VD-SEASON")
    dark = season.children[0]
    assert (dark.kind, dark.id, dark.rule, dark.value) == ("fact", "dark_season", "D-DARK-SEASON", True)
    below = {n.id: n.value for n in walk(dark) if n.kind == "answer"}
    assert below == {"hemisphere": "north", "latitude_band": "far", "screened_on": "2025-01-20"}
    # CA-VITD fires on the vitamin D factor: shown as a reference, not a second copy
    ca_vitd = next(n for n in nodes if n.id == "CA-VITD")
    assert [(c.kind, c.id) for c in ca_vitd.children] == [("see_above", "vitamin_d")]
    for node in nodes:
        if node.kind == "rule":
            assert node.reason and node.sources, node.id


def test_every_vignette_tree_matches_its_result(ruleset):
    for path in VIGNETTES:
        answers = validate_answers(json.loads(path.read_text())["answers"], ruleset, today=FIXED_DAY)
        result = screen(answers, ruleset)
        expl = explain(answers, ruleset, search=False)
        nodes = list(walk(expl.tree))
        assert expl.triage == result.triage, path.stem
        assert {n.id for n in nodes if n.kind == "factor"} == {f.id for f in result.factors}
        rules = {n.id for n in nodes if n.kind == "rule"}
        assert {ev.rule for ev in result.triggered_by} <= rules, path.stem
        assert [n.id for n in expl.notes] == [n.id for n in result.notes]
        assert [n.id for n in expl.held_back] == [h.id for h in result.held_back]
        assert find_unsafe_text(render(expl, ruleset)) is None


def test_held_back_factor_shows_indicator_and_exception(ruleset, personas):
    expl = explain(validate_answers(personas["older-adult-diuretic"].answers, ruleset), ruleset)
    (held,) = expl.held_back
    assert held.id == "calcium_intake"
    assert [(c.rule_kind, c.id) for c in held.children] == [("indicator", "CA-AGE"),
                                                            ("exception", "CA-AGE-ALONE")]


def test_full_answers_have_no_near_misses(ruleset, personas):
    expl = explain(validate_answers(personas["healthy-adult"].answers, ruleset), ruleset)
    assert expl.near_misses == [] and expl.tries == 0
    assert "none: every question was answered" in render(expl, ruleset)


def test_near_miss_on_a_code(ruleset, personas):
    answers = validate_answers(answers_of(personas["healthy-adult"], ["skin_tone"]), ruleset)
    expl = explain(answers, ruleset)
    misses = [(m.rule, m.question, m.answer, m.factor_would_be) for m in expl.near_misses]
    assert misses == [("VD-SKIN", "skin_tone", "brown", "some"),
                      ("VD-SKIN", "skin_tone", "dark_brown_black", "some")]
    assert expl.near_misses[0].triage_would_be == "routine"
    assert expl.tries == len(candidate_values(ruleset.questions.by_id["skin_tone"], ruleset))


def test_near_miss_through_a_derived_fact_and_triage(ruleset, personas):
    """Age feeds older_adult and minor (derived facts): found by re-screening."""
    answers = validate_answers(answers_of(personas["healthy-adult"], ["age_years"]), ruleset)
    expl = explain(answers, ruleset)
    by_rule = {}
    for m in expl.near_misses:
        by_rule.setdefault(m.rule, []).append(m.answer)
    assert min(by_rule["VD-AGE"]) == 65
    assert max(by_rule["TR-PROMPT-MINOR"]) == 17
    assert min(by_rule["CA-AGE"]) == 71  # male: only from 71
    assert "CA-AGE-ALONE" in by_rule  # and the exception that holds it back
    minor = next(m for m in expl.near_misses if m.rule == "TR-PROMPT-MINOR")
    assert minor.triage_would_be == "prompt"


def test_near_miss_on_a_multi_item_and_pregnancy_skip_logic(ruleset, personas):
    answers = validate_answers(answers_of(personas["office-worker-winter"], ["medicines", "pregnancy"]),
                               ruleset)
    expl = explain(answers, ruleset)
    rules = {(m.rule, m.question, json.dumps(m.answer)) for m in expl.near_misses}
    assert ("MG-DIURETIC", "medicines", '["diuretic"]') in rules
    assert ("VD-MEDS", "medicines", '["steroid_tablets"]') in rules
    assert ("N-PREGNANCY", "pregnancy", '"pregnant"') in rules
    # a male never gets pregnancy near misses: skip logic hides the question
    male = dict(answers_of(personas["office-worker-winter"], ["pregnancy"]), sex_at_birth="male")
    expl = explain(validate_answers(male, ruleset), ruleset)
    assert all(m.question != "pregnancy" for m in expl.near_misses)


def test_not_sure_answers_are_tried_too(ruleset, personas):
    answers = dict(personas["healthy-adult"].answers, housebound="not_sure")
    expl = explain(validate_answers(answers, ruleset), ruleset)
    assert [(m.rule, m.answer) for m in expl.near_misses] == [("VD-SUN", "yes")]


# ------------------------------------------------------------------------- command

def test_explain_text(capsys):
    assert main(["explain", "--persona", "long-ppi-twitching"]) == 0
    out = capsys.readouterr().out
    # v3 (spec 5.3, TR-PROMPT-NERVE): frequent twitching is prompt through its "with risk
    # nerve_risk" branch (long_ppi here), the rule TR-PROMPT-NERVE-RISK in rules/
    assert "TRIAGE prompt" in out and "[TR-PROMPT-NERVE-RISK]" in out and "[MG-PPI]" in out and "[D-LONG-PPI]" in out
    assert "answer ppi_duration = over_12_months" in out
    assert "consistent symptom: Muscle twitching: Often" in out
    assert "NEAR MISSES" in out


def test_explain_json_file(capsys, write_json, personas):
    path = write_json(answers_of(personas["healthy-adult"], ["skin_tone"]))
    assert main(["explain", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["triage"] == "self_care" and data["tree"]["kind"] == "triage"
    assert {m["rule"] for m in data["near_misses"]} == {"VD-SKIN"}
    assert data["unanswered"] == ["skin_tone"]


def test_explain_no_near_misses_flag(capsys, write_json):
    path = write_json({"age_years": 40})
    assert main(["explain", str(path), "--format", "json", "--no-near-misses"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["near_misses"] == [] and data["tries"] == 0


@pytest.mark.parametrize("args, message", [
    (["explain"], "give either an answers file"),
    (["explain", "x.json", "--persona", "healthy-adult"], "give either an answers file"),
    (["explain", "--persona", "office-worker"], "did you mean 'office-worker-winter'"),
    (["explain", "no-such-file.json"], "no such answers file"),
])
def test_explain_errors_exit_2(capsys, args, message):
    assert main(args) == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow  # starts the command in a child process
def test_explain_bad_answers_exit_2_without_traceback(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{\n  "age_years": 40,\n  "skin_tone": "purple"\n}\n')
    proc = subprocess.run([sys.executable, "-m", "screener", "explain", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert f"{path}:3" in proc.stderr and "skin_tone" in proc.stderr
    assert "Traceback" not in proc.stderr
