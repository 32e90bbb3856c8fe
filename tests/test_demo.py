"""screener demo: a persona played through the real questionnaire flow.

In-process tests check that the demo walks exactly the screens of the real flow and
logs each rule as the answer that fires it lands; pty tests run the installed command
for every persona, unattended, to the expected result.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
from pathlib import Path

import pytest
from test_properties import WELL_ADULT

from screener.personas import check_expectation, load_personas
from screener.terminal.asker import ScriptedAsker
from screener.terminal.demo import DemoAsker, DemoQuit, Log, Pacer, persona_today, play
from screener.terminal.flow import run_questionnaire

pytestmark = pytest.mark.timeout(120)
SCREENER = Path(sys.executable).with_name("screener")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture(scope="module")
def personas(ruleset):
    return load_personas(None, ruleset)


def demo_asker(persona, stdin: str | None = None):
    out = io.StringIO()
    pacer = Pacer(auto=stdin is None, speed=0, stdin=io.StringIO(stdin or ""), stdout=out)
    return DemoAsker(persona.answers, pacer, stdout=out), out


def test_demo_walks_the_same_screens_as_the_real_flow(ruleset, personas):
    """Every persona: the demo's prompts are those run_questionnaire shows a scripted
    person with the same answers, and non-urgent personas reach their expected result."""
    for persona in personas.values():
        asker, _ = demo_asker(persona)
        recorded = []
        real_ask = asker.ask
        # bound now (ruff B023); play() below runs within this iteration, so it was no bug
        asker.ask = (lambda prompt, recorded=recorded, real_ask=real_ask:
                     (recorded.append(prompt.key), real_ask(prompt))[1])
        demo = play(persona, ruleset, asker)

        scripted = ScriptedAsker(dict(persona.answers))
        run_questionnaire(ruleset, scripted, today=persona_today(persona))
        assert recorded == [p.key for p in scripted.shown], persona.id

        if persona.expect.triage == "urgent":
            assert demo.end.status == "urgent" and demo.result.triage == "urgent"
            if persona.answers["red_flags_now"] != ["none"]:
                assert recorded == ["red_flags_now"]  # stopped at the red flag, like a real run
        else:
            assert demo.end.status == "complete"
            assert check_expectation(persona, demo.result) == [], persona.id


def test_log_lines_appear_in_order_under_the_answer_that_fired_them(ruleset, personas):
    persona = personas["office-worker-winter"]
    asker, out = demo_asker(persona)
    demo = play(persona, ruleset, asker)
    added = [text.split()[0] for kind, text in demo.log if kind == "+"]
    # season (latitude, with the date), then daylight, then diet; calcium follows vitamin D
    for earlier, later in [("D-DARK-SEASON", "VD-SEASON"), ("VD-SEASON", "VD-SUN"),
                           ("VD-SUN", "VD-DIET"), ("VD-DIET", "CA-VITD")]:
        assert added.index(earlier) < added.index(later)
    text = out.getvalue()
    daylight = text.index("how long are you outdoors in daylight")
    indoors = text.index("Do you spend most of your time indoors?")
    assert daylight < text.index("+ VD-SUN Little time in daylight -> vitamin_d indicator") < indoors
    assert "= factor vitamin_d: several" in text
    # the final log state is the final result
    assert set(added) >= set(demo.result.fired_rules)


def test_log_reports_rules_that_stop_applying(ruleset):
    log = Log(ruleset, dt.date(2025, 1, 20))  # January: the dark season far north
    well = {k: v for k, v in WELL_ADULT.items() if k != "screened_on"}
    first = log.update({**well, "hemisphere": "north", "latitude_band": "subtropics"})
    assert ("=", "triage so far: self_care") in first
    later = log.update({**well, "hemisphere": "north", "latitude_band": "far"})
    assert ("-", "TR-SELF-CARE No possible factor, and enough answers (no longer applies)") in later
    assert ("=", "factor vitamin_d: some") in later


def test_log_says_an_unfinished_screening_is_not_self_care(ruleset):
    """Questions not reached yet count as unanswered: never 'self care' on the way."""
    log = Log(ruleset, dt.date(2025, 1, 20))
    first = log.update({"red_flags_now": ["none"]})
    assert ("=", "triage so far: routine") in first
    assert ("+", "TR-ROUTINE-INCOMPLETE Too few answers to rule the factors out -> triage routine") in first


def test_enter_advances_and_q_stops(ruleset, personas):
    persona = personas["healthy-adult"]
    asker, out = demo_asker(persona, stdin="\n\nq\n")
    with pytest.raises(DemoQuit):
        play(persona, ruleset, asker)
    text = out.getvalue()
    assert text.count("(Enter: next, q: quit)") == 3
    assert "What was your sex at birth?" in text  # the third screen
    assert "Are you pregnant" not in text


# ----------------------------------------------------------------------- in a pty

pexpect = pytest.importorskip("pexpect")


def spawn_demo(home: Path, *args: str):
    env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm-256color",
               PROMPT_TOOLKIT_NO_CPR="1")
    env.pop("NO_COLOR", None)
    return pexpect.spawn(str(SCREENER), ["demo", *args], env=env, encoding="utf-8",
                         timeout=60, dimensions=(50, 200))


FACTOR_LINE = re.compile(r"^\d+\. .+ \((some|several) signs\)  \[(\w+)\]\s*$", re.M)


@pytest.mark.slow  # the demo command in a pseudo-terminal or child process
@pytest.mark.parametrize("persona_id", sorted(p.stem for p in
                                              (Path(__file__).parent.parent / "personas").glob("*.yaml")))
def test_demo_auto_in_a_terminal(tmp_path, ruleset, personas, persona_id):
    persona = personas[persona_id]
    home = tmp_path / "home"
    child = spawn_demo(home, "--auto", "--speed", "0", persona_id)
    child.expect(pexpect.EOF)
    child.close()
    raw = child.before
    text = ANSI.sub("", raw).replace("\r\n", "\n")
    assert child.exitstatus == 0, text[-2000:]
    assert "\x1b[1m" in raw  # a terminal gets emphasis (no --plain, no NO_COLOR)
    clinician = text[text.index("== Result: clinician view =="):]
    title = ruleset.triage[persona.expect.triage].title.upper()
    assert f"RESULT: {title}" in clinician
    assert "Rules fired:" in clinician  # the clinician view, not the person view
    shown = {fid: strength for strength, fid in FACTOR_LINE.findall(clinician)}
    if persona.expect.triage == "urgent":
        assert "stopped at an urgent sign" in text
        if persona.answers["red_flags_now"] != ["none"]:
            assert "== About you ==" not in text
    else:
        assert shown == persona.expect.factors
        assert "Is everything right?" in text  # the real flow's review screen
    assert "Save" not in text  # a demo never offers to save
    assert not home.exists() or not any(home.iterdir())  # and never writes a draft


@pytest.mark.slow  # the demo command in a pseudo-terminal or child process
def test_demo_list_and_unknown_persona(tmp_path):
    child = spawn_demo(tmp_path, "--list")
    child.expect(pexpect.EOF)
    assert "office-worker-winter" in child.before and "hands-locked" in child.before
    child = spawn_demo(tmp_path, "office-worker")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "did you mean" in child.before.lower() or "office-worker-winter" in child.before


@pytest.mark.slow  # the demo command in a pseudo-terminal or child process
@pytest.mark.parametrize("speed", ["-1", "inf", "nan"])
def test_bad_speed_is_a_clean_error(speed):
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "screener", "demo", "--auto", "--speed", speed,
                           "healthy-adult"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--speed" in proc.stderr and "Traceback" not in proc.stderr
