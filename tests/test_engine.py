"""The engines: durable-rules (sessions never leak, errors surface, its return codes and
the rule-id slice hold) and how a screening picks an engine."""

import itertools
import json
import random
import re
from pathlib import Path

import pytest

from screener import durable_engine, engine as engine_module
from screener.durable_engine import Asserted, CompiledRules, DurableEngine, rule_id_of
from screener.errors import EngineError
from screener.authoring.generate import random_answers
from screener.python_engine import PythonEngine
from screener.screening import screen

_names = itertools.count(1)


def private_rules(definition: dict) -> CompiledRules:
    """Compiled rules under a name no other test uses (durable registers a name once)."""
    return CompiledRules(f"test_engine_{next(_names)}", definition)


@pytest.mark.slow  # two thousand screenings (a soak run)
def test_two_thousand_screenings_do_not_leak(ruleset):
    """durable allows 1,024 live sessions per ruleset: sessions are shared by at most
    SESSION_REUSE screenings and then deleted, so at most one is ever live, and facts
    left in a shared session never change a later screening."""
    rng = random.Random(7)
    eng = engine_module.engine_for(ruleset, "durable")
    reference = {}
    with engine_module.using("durable"):
        for i in range(2000):
            answers = random_answers(rng=rng, ruleset=ruleset)
            answers["screened_on"] = "2025-05-05"
            result = screen(answers, ruleset)
            if i < 20:
                reference[i] = (answers, result.to_json())
        assert len(eng.live) <= 1
        for answers, json_text in reference.values():  # early results unchanged after 2,000
            assert screen(answers, ruleset).to_json() == json_text


def test_session_deleted_when_a_layer_fails(ruleset, monkeypatch):
    """A failure inside durable surfaces as EngineError naming the layer, and the
    session is deleted all the same (the next screenings are unaffected)."""
    eng = engine_module.engine_for(ruleset, "durable")

    def broken(handle, state):
        raise RuntimeError("boom")
    monkeypatch.setattr(durable_engine._native, "complete_and_start_action", broken)
    with engine_module.using("durable"):
        with pytest.raises(EngineError, match="layer 1: boom"):
            screen({"age_years": 70}, ruleset)
        assert eng.live == set()
        monkeypatch.undo()
        assert screen({"age_years": 70}, ruleset).derived_facts[0].rule == "D-OLDER-ADULT"


def test_only_the_durable_engine_module_imports_durable():
    pattern = re.compile(r"^\s*(import|from) durable", re.MULTILINE)
    package = Path(engine_module.__file__).parent
    importers = sorted(p.name for p in package.rglob("*.py")
                       if pattern.search(p.read_text()))
    # enginecheck.py probes the import in a child interpreter (see its docstring)
    assert importers == ["durable_engine.py"]


def test_a_refused_ruleset_is_tried_again_then_is_an_engine_error(ruleset, monkeypatch):
    """durable has refused the rules once in a while ('Could not create ruleset, error
    code: 102') and accepted them on a later try: up to two more tries under fresh
    names, then a clean EngineError (exit 3) that names the way out, never a traceback."""
    real = durable_engine._QuietHost.set_rulesets
    calls = []

    def refuse_first(self, definitions):
        calls.append(list(definitions))
        if len(calls) == 1:
            raise Exception("Could not create ruleset, error code: 102")
        return real(self, definitions)
    monkeypatch.setattr(durable_engine._QuietHost, "set_rulesets", refuse_first)
    try:
        eng = DurableEngine(ruleset)
    except EngineError:  # durable itself refused the fresh names too: still one clean error
        assert len(calls) == 3
    else:
        names = [call[0] for call in calls]
        assert 2 <= len(calls) <= 3 and len(set(names)) == len(names) and eng.name == names[-1]
        with eng.session() as fire:
            assert "D-OLDER-ADULT" in fire(1, {"age_years": 70})
        eng.close()

    def refuse(self, definitions):
        calls.append(list(definitions))
        raise Exception("Could not create ruleset, error code: 102")
    calls.clear()
    monkeypatch.setattr(durable_engine._QuietHost, "set_rulesets", refuse)
    with pytest.raises(EngineError, match="could not load the rules: Could not create") as error:
        DurableEngine(ruleset)
    assert len(calls) == 3 and "SCREENER_ENGINE=python" in str(error.value)


# ------------------------------------------------------------- durable's return codes

def test_the_named_return_codes_are_what_durable_returns():
    """Asserted names the codes of durable's C assert_fact (durable's own Python layer
    raises MessageNotHandled and MessageObserved for 1 and 2): a fact no rule matches is
    NOT_HANDLED, the same fact twice OBSERVED; fire reads them so."""
    rules = private_rules({"R-ONE": {"all": [{"m": {"x": 1}}]}})
    raw = durable_engine._native.assert_fact
    encode = durable_engine._encode
    assert raw(rules._handle, encode({"sid": "1", "x": 2}))[0] == Asserted.NOT_HANDLED
    assert rules.fire({"sid": "1", "x": 2}) == []
    assert rules.fire({"sid": "1", "x": 1}) == ["R-ONE"]  # MATCHED: its action run
    assert raw(rules._handle, encode({"sid": "1", "x": 1}))[0] == Asserted.OBSERVED
    with pytest.raises(durable_engine._durable.MessageObservedException):  # not "nothing"
        rules.fire({"sid": "1", "x": 1})
    rules.delete_session("1")
    assert rules.fire({"sid": "1", "x": 1}) == ["R-ONE"]  # a fresh session
    rules.delete_session("1")


# --------------------------------------------------------------- the rule-id slice

def test_every_shipped_rule_id_round_trips_through_durables_messages(ruleset):
    """Every shipped rule id, registered as a rule name, comes back from the messages
    durable writes when the rule fires (rule_id_of slices them), and a JSON reading of
    such a message agrees with the slice."""
    ids = list(ruleset.rules_by_id)
    rules = private_rules({rule_id: {"all": [{"m": {"probe": 1}}]} for rule_id in ids})
    assert sorted(rules.fire({"sid": "1", "probe": 1})) == sorted(ids)
    rules.delete_session("1")
    for rule_id in ids:
        message = json.dumps({rule_id: {"m": {"probe": 1, "sid": "1"}}})
        assert rule_id_of(message) == next(iter(json.loads(message))) == rule_id


def test_the_slice_contract_is_the_id_pattern_of_the_models():
    """The engine reads ids with the pattern models.py validates them with, and refuses
    names the slice could not read back (a quote would end it early)."""
    from screener import models

    assert durable_engine._SLICEABLE.pattern == models.ID_PATTERN
    for bad in ['VD"SUN', "VD SUN", "-VD", "VD-SUN\n", ""]:
        with pytest.raises(EngineError, match="rule ids the engine cannot use"):
            private_rules({bad: {"all": [{"m": {"x": 1}}]}})


# ------------------------------------------------------------------ choosing an engine

def test_engine_choice_parameter_context_and_environment(ruleset, monkeypatch):
    monkeypatch.delenv(engine_module.ENV, raising=False)
    assert isinstance(engine_module.engine_for(ruleset), DurableEngine)
    assert isinstance(engine_module.engine_for(ruleset, "python"), PythonEngine)
    with engine_module.using("python"):
        assert isinstance(engine_module.engine_for(ruleset), PythonEngine)
        with engine_module.using(None):  # None keeps the current choice
            assert engine_module.chosen_kind() == "python"
        with engine_module.using("durable"):
            assert isinstance(engine_module.engine_for(ruleset), DurableEngine)
    monkeypatch.setenv(engine_module.ENV, "python")
    assert isinstance(engine_module.engine_for(ruleset), PythonEngine)
    with engine_module.using("durable"):  # a chosen engine beats the environment
        assert isinstance(engine_module.engine_for(ruleset), DurableEngine)
    assert engine_module.engine_for(ruleset) is engine_module.engine_for(ruleset, "python")
    monkeypatch.setenv(engine_module.ENV, "drools")
    with pytest.raises(EngineError, match="SCREENER_ENGINE='drools' is not an engine"):
        screen({"age_years": 70}, ruleset)
    with pytest.raises(EngineError, match="'clips' is not an engine"):
        with engine_module.using("clips"):
            pass


def test_the_python_engine_fires_layer_by_layer(ruleset):
    """Same interface: a session yields fire(layer, facts); a rule fires only when its
    condition is definitely true on the facts given (unknown never fires)."""
    eng = engine_module.engine_for(ruleset, "python")
    with eng.session() as fire:
        assert "D-OLDER-ADULT" in fire(1, {"age_years": 70})
        assert "D-OLDER-ADULT" not in fire(1, {})
        assert fire(eng.depth + 1, {"age_years": 70}) == []
    assert eng.depth == engine_module.engine_for(ruleset, "durable").depth


def test_every_registered_engine_is_a_rule_engine(ruleset):
    for kind in engine_module.KINDS:
        eng = engine_module.engine_for(ruleset, kind)
        assert isinstance(eng.depth, int) and callable(eng.session) and callable(eng.close)
    with pytest.raises(EngineError, match="'clips' is not an engine: use durable or python"):
        engine_module.engine_for(ruleset, "clips")
