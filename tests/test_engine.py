"""The engines: durable-rules (sessions never leak, errors surface, its return codes and
the rule-id slice hold) and how a screening picks an engine."""

import datetime as dt
import itertools
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from screener import engine as engine_module
from screener.authoring.generate import random_answers
from screener.engine import durable
from screener.engine.durable import Asserted, CompiledRules, DurableEngine, rule_id_of
from screener.engine.python import PythonEngine
from screener.errors import EngineError
from screener.ruleset import conditions
from screener.ruleset.compiler import compile_ruleset
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
    monkeypatch.setattr(durable._native, "complete_and_start_action", broken)
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
    # engine/check.py probes the import in a child interpreter (see its docstring)
    assert importers == ["durable.py"]


def test_a_refused_ruleset_is_one_clean_engine_error(ruleset, monkeypatch):
    """durable raises bare Exceptions: a refusal becomes an EngineError (exit 3) that
    names the way out, never a traceback."""
    def refuse(self, definitions):
        raise Exception("Could not create ruleset, error code: 102")
    monkeypatch.setattr(durable._QuietHost, "set_rulesets", refuse)
    with pytest.raises(EngineError, match="could not load the rules: Could not create") as error:
        DurableEngine(ruleset)
    assert "SCREENER_ENGINE=python" in str(error.value)


@pytest.mark.slow  # a child process
@pytest.mark.parametrize("byte", [0x09, 0x0C, 0x00, 0x55])
def test_durable_never_trips_on_memory_it_did_not_set(byte, tmp_path):
    """Two faults of durable's C code read memory it never set; glibc's MALLOC_PERTURB_
    fills fresh and freed memory with a chosen byte, which made each happen every time
    before the fix (a fresh interpreter per byte: the faults depend on the whole heap):
    - it refused the rules ("error code: 102") when a ``$iany`` wrapped an ``$or`` and
      the heap held 0x09 (JSON_IDENTIFIER) or 0x0C (JSON_EXPRESSION): the compiler no
      longer writes that shape;
    - deleting a session in which no rule had fired freed two unset pointers (a crash,
      "double free or corruption"): CompiledRules.delete_session fires SESSION_END
      first."""
    script = (
        "import datetime as dt\n"
        "from screener.engine.durable import CompiledRules\n"
        "from screener.engine import using\n"
        "from screener.ruleset.loading import load_ruleset\n"
        "from screener.screening import screen\n"
        "with using('durable'):\n"
        "    result = screen({'age_years': 70, 'housebound': 'yes', 'red_flags_now': ['none']},"
        " load_ruleset(), today=dt.date(2026, 1, 5))\n"
        "print(result.triage, *sorted(f.id for f in result.factors))\n"
        "rules = CompiledRules('nothing_fires', {'R-ONE': {'all': [{'m': {'x': 1}}]}})\n"
        "print(rules.fire({'sid': 's1', 'x': 2}))\n"
        "rules.delete_session('s1')\n"
        "print('deleted')\n")
    env = {**os.environ, "MALLOC_PERTURB_": str(byte)}
    env.pop("SCREENER_ENGINE", None)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["routine vitamin_d", "[]", "deleted"]


def test_the_session_end_rule_id_is_reserved():
    with pytest.raises(EngineError, match="reserved"):
        private_rules({durable.SESSION_END: {"all": [{"m": {"x": 1}}]}})


def test_no_list_quantifier_wraps_an_or(ruleset):
    """The shape durable mishandles (see the test above) is never compiled: not in the
    shipped rules, not for any operator on a list answer."""
    def quantified_ors(node, inside=False):
        if isinstance(node, list):
            return sum(quantified_ors(item, inside) for item in node)
        if not isinstance(node, dict):
            return 0
        return sum((key == "$or" and inside)
                   + quantified_ors(value, inside or key in ("$iany", "$iall"))
                   for key, value in node.items())
    compiled = compile_ruleset(ruleset)
    assert "$iany" in json.dumps(compiled)  # the test looks at the right thing
    assert quantified_ors(compiled) == 0
    for op in ("has", "has_any", "lacks", "lacks_all"):
        test = conditions.Test(name="medicines", op=op, value=["diuretic", "ppi", "lithium"])
        assert quantified_ors(conditions.compile_condition(test)) == 0, op


@pytest.mark.parametrize("codes, item, fires", [
    (["ppi", "lithium"], ["lithium"], True),
    (["ppi", "lithium"], ["ppi", "lithium"], True),  # fires once (see CompiledRules.fire)
    (["ppi", "lithium"], ["ppi_x"], False),  # the regex matches the whole item
    (["ppi", "lithium"], ["x_ppi"], False),
    (["ppi", "lithium"], ["PPI"], False),
    (["K-GUT", "K-DIURETIC"], ["K-GUT"], True),  # '-' is no regex operator in durable
    (["a.b", "c"], ["axb"], False),  # not ids: no regex, one $iany a code
    (["a.b", "c"], ["a.b"], True),
])
def test_has_any_matches_whole_codes_on_durable(codes, item, fires):
    """"has any of" is one regex union when the codes are ids (conditions._any_item)."""
    test = conditions.Test(name="x", op="has_any", value=codes)
    compiled = conditions.compile_condition(test)
    assert ("$mt" in json.dumps(compiled)) == all(re.fullmatch(r"[\w-]+", c) for c in codes)
    rules = private_rules({"R-HAS": {"all": [{"m": compiled}]}})
    sid = f"has-{next(_names)}"
    try:
        assert rules.fire({"sid": sid, "x": item}) == (["R-HAS"] if fires else [])
    finally:
        rules.delete_session(sid)
    assert conditions.evaluate(test, {"x": item}) is fires


# ------------------------------------------------------------- durable's return codes

def test_the_named_return_codes_are_what_durable_returns():
    """Asserted names the codes of durable's C assert_fact (durable's own Python layer
    raises MessageNotHandled and MessageObserved for 1 and 2): a fact no rule matches is
    NOT_HANDLED, the same fact twice OBSERVED; fire reads them so."""
    rules = private_rules({"R-ONE": {"all": [{"m": {"x": 1}}]}})
    raw = durable._native.assert_fact
    encode = durable._encode
    assert raw(rules._handle, encode({"sid": "1", "x": 2}))[0] == Asserted.NOT_HANDLED
    assert rules.fire({"sid": "1", "x": 2}) == []
    assert rules.fire({"sid": "1", "x": 1}) == ["R-ONE"]  # MATCHED: its action run
    assert raw(rules._handle, encode({"sid": "1", "x": 1}))[0] == Asserted.OBSERVED
    with pytest.raises(durable.AlreadyObserved):  # not "nothing"
        rules.fire({"sid": "1", "x": 1})
    rules.delete_session("1")
    assert rules.fire({"sid": "1", "x": 1}) == ["R-ONE"]  # a fresh session
    rules.delete_session("1")


def test_a_fact_durable_takes_for_one_already_seen_is_asserted_in_a_fresh_session(ruleset):
    """durable knows a fact by a 32-bit hash and refuses a hash twin as "observed" (a
    batch run stopped near record 22,354): the engine asserts it again in a new session
    and the same rules fire. The same fact twice is the surest twin."""
    engine = DurableEngine(ruleset)
    facts = {"red_flags_now": "none", "age_years": 80, "medicines": ["diuretic"]}
    engine._open()
    first_sid = engine._sid
    first = engine._fire(1, 1, facts)
    again = engine._fire(1, 1, facts)  # the same serial and layer: a twin for sure
    assert again == first and first
    assert engine._sid != first_sid and first_sid not in engine.live
    engine.close()


@pytest.mark.slow
def test_batch_with_durable_runs_past_the_hash_twin_that_stopped_it(tmp_path):
    """The run that stopped at record 22,354 (generated records, seed 0, the benchmark's
    day: the facts hold the date, so another day makes other hashes) with "rule engine
    failed at layer 3": it now screens every record, as the Python engine does."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    from common import write_generated

    from screener.batch.run import run_batch
    from screener.engine import using

    source = tmp_path / "in.csv"
    write_generated(source, 25_000)
    outputs = []
    for kind in ("durable", "python"):
        with using(kind):
            summary = run_batch(source, tmp_path / f"{kind}.csv", today=dt.date(2025, 6, 1))
        assert summary.screened + summary.errors == 25_000
        outputs.append((tmp_path / f"{kind}.csv").read_bytes())
    assert outputs[0] == outputs[1]


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
    from screener.ruleset import models

    assert durable._SLICEABLE.pattern == models.ID_PATTERN
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
