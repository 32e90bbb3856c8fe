"""Real runs of `screener run` / `screener resume` in a pseudo-terminal (pexpect).

These catch what pipe input cannot: the installed entry point, the terminal check,
Ctrl-C arriving as a signal character from the terminal, and the resume message.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from screener.questionnaire import prompt_for  # noqa: E402
from test_interactive import ROUTINE, keys_for  # noqa: E402

pytestmark = pytest.mark.timeout(120)
SCREENER = Path(sys.executable).with_name("screener")
PROGRESS = r"\n([A-Z][A-Za-z ,]+): \d+ of \d+ · "


def spawn(home: Path, *args: str):
    env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm-256color", NO_COLOR="1",
               PROMPT_TOOLKIT_NO_CPR="1")  # pexpect does not answer cursor-position queries
    child = pexpect.spawn(str(SCREENER), list(args), env=env, encoding="utf-8", timeout=20,
                          dimensions=(50, 220))
    return child


def answer_until(child, ruleset, script: dict, *, stop_at: str | None = None) -> str:
    """Answer each question as it appears (found by its text); return everything read
    once the result is shown and the save offer declined."""
    today = dt.date.today()
    by_text = {q.text: q for q in ruleset.questions}
    patterns = [re.escape(t) for t in by_text] + [r"Is everything right\?",
                                                  r"Save your answers to a file"]
    seen = ""
    while True:
        index = child.expect(patterns)
        seen += child.before + child.after
        if index == len(by_text):  # the review screen: show my result
            child.send("\r")
            continue
        if index == len(by_text) + 1:
            child.send("n")
            child.expect(pexpect.EOF)
            return seen + child.before
        question = list(by_text.values())[index]
        if question.id == stop_at:
            return seen
        prompt = prompt_for(question, today=today)
        answer = script.get(question.id)
        keys = "\r" if answer is None and question.type == "date" else keys_for(prompt, answer)
        child.send(keys)
        # wait for the answered line so the next expect cannot match this question again
        child.expect(PROGRESS + "|Is everything right|Save your answers")
        seen += child.before
        # put back what we consumed: re-expect from the progress line on the next loop
        child.buffer = child.after + child.buffer


def result_text(transcript: str) -> str:
    start = transcript.index("RESULT:")
    end = transcript.index("Save your answers", start)
    return re.sub(r"\s+", " ", transcript[start:end])


def test_full_run_in_a_terminal(tmp_path, ruleset):
    child = spawn(tmp_path / "home", "run")
    transcript = answer_until(child, ruleset, ROUTINE)
    child.close()
    assert child.exitstatus == 0
    assert "Urgent check: 1 of 1" in transcript
    assert "RESULT: DISCUSS THESE POSSIBLE FACTORS" in transcript
    assert "Possible low vitamin D" in transcript
    assert not (tmp_path / "home" / "draft.json").exists()


def test_ctrl_c_then_resume_gives_the_same_result(tmp_path, ruleset):
    home = tmp_path / "home"
    child = spawn(home, "run")
    answer_until(child, ruleset, ROUTINE, stop_at="diet_pattern")
    child.sendintr()
    child.expect(pexpect.EOF)
    assert "Continue with: screener resume" in child.before
    child.close()
    assert child.exitstatus == 130
    assert (home / "draft.json").stat().st_mode & 0o777 == 0o600

    child = spawn(home, "resume")
    child.expect("Continuing your screening")
    resumed = answer_until(child, ruleset, ROUTINE)
    child.close()
    assert child.exitstatus == 0
    assert "About you: 1 of" not in resumed and "Diet: 1 of 8" in resumed  # only the rest

    child = spawn(tmp_path / "other-home", "run")
    uninterrupted = answer_until(child, ruleset, ROUTINE)
    child.close()
    assert result_text(resumed) == result_text(uninterrupted)


def test_not_a_terminal_points_to_screen(tmp_path):
    import subprocess
    proc = subprocess.run([str(SCREENER), "run"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, env=dict(os.environ, SCREENER_HOME=str(tmp_path)), timeout=60)
    assert proc.returncode == 2
    assert "screener screen ANSWERS.json" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("colour_off", [["--no-color"], []])
def test_no_color(tmp_path, colour_off):
    env = dict(os.environ, SCREENER_HOME=str(tmp_path), TERM="xterm-256color",
               PROMPT_TOOLKIT_NO_CPR="1")
    env.pop("NO_COLOR", None)
    if not colour_off:
        env["NO_COLOR"] = "1"  # the variable alone does it too
    child = pexpect.spawn(str(SCREENER), ["run", *colour_off], env=env, encoding="utf-8",
                          timeout=20, dimensions=(50, 220))
    child.expect("None of these")
    screen = child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    assert "Do you have any of these right now?" in screen
    assert not re.search(r"\x1b\[[0-9;]*(38|48);[25];", screen)  # no colour codes


@pytest.mark.parametrize("command", ["run", "resume"])
def test_command_help_is_light(command):
    import subprocess
    code = ("import sys; from screener.cli import main\n"
            f"try:\n    main([{command!r}, '--help'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('pydantic', 'durable', 'questionary', 'prompt_toolkit')"
            " if m in sys.modules], file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stderr.strip() == "[]"
    assert "--plain" in proc.stdout
