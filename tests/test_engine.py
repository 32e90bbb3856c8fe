"""The real durable-rules engine: sessions never leak, errors surface, output is stable."""

import random

import pytest

from screener import engine as engine_module
from screener.errors import EngineError
from screener.authoring.generate import random_answers
from screener.screening import screen


def test_two_thousand_screenings_do_not_leak(ruleset):
    """durable allows 1,024 live sessions per ruleset: sessions are shared by at most
    SESSION_REUSE screenings and then deleted, so at most one is ever live, and facts
    left in a shared session never change a later screening."""
    rng = random.Random(7)
    eng = engine_module.engine_for(ruleset)
    reference = {}
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
    eng = engine_module.engine_for(ruleset)

    def broken(handle, state):
        raise RuntimeError("boom")
    monkeypatch.setattr(engine_module._native, "complete_and_start_action", broken)
    with pytest.raises(EngineError, match="layer 1: boom"):
        screen({"age_years": 70}, ruleset)
    assert eng.live == set()
    monkeypatch.undo()
    assert screen({"age_years": 70}, ruleset).derived_facts[0].rule == "D-OLDER-ADULT"


def test_only_engine_module_imports_durable():
    import re
    from pathlib import Path

    pattern = re.compile(r"^\s*(import|from) durable", re.MULTILINE)
    package = Path(engine_module.__file__).parent
    importers = sorted(p.name for p in package.rglob("*.py")
                       if pattern.search(p.read_text()))
    # enginecheck.py probes the import in a child interpreter (see its docstring)
    assert importers == ["engine.py"]


def test_a_refused_ruleset_is_tried_once_more_then_is_an_engine_error(ruleset, monkeypatch):
    """durable has refused the rules once in a while ('Could not create ruleset, error
    code: 102') and accepted them on the next try: one retry under a fresh name, then a
    clean EngineError (exit 3), never a traceback."""
    real = engine_module._QuietHost.set_rulesets
    calls = []

    def refuse_first(self, definitions):
        calls.append(list(definitions))
        if len(calls) == 1:
            raise Exception("Could not create ruleset, error code: 102")
        return real(self, definitions)
    monkeypatch.setattr(engine_module._QuietHost, "set_rulesets", refuse_first)
    try:
        eng = engine_module.Engine(ruleset)
    except EngineError:  # durable refused the second name too: still one clean error
        assert len(calls) == 2
    else:
        assert len(calls) == 2 and eng.name == calls[1][0] != calls[0][0]
        with eng.session() as fire:
            assert "D-OLDER-ADULT" in fire(1, {"age_years": 70})
        eng.close()

    def refuse(self, definitions):
        raise Exception("Could not create ruleset, error code: 102")
    monkeypatch.setattr(engine_module._QuietHost, "set_rulesets", refuse)
    with pytest.raises(EngineError, match="could not load the rules: Could not create"):
        engine_module.Engine(ruleset)
