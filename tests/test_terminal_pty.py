"""Real runs of `screener run` / `screener resume` in a pseudo-terminal (pexpect).

These catch what pipe input cannot: the installed entry point, the terminal check,
Ctrl-C arriving as a signal character from the terminal, and the resume message.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

from test_interactive import CLEAR, ROUTINE, keys_for  # noqa: E402

from screener.terminal.flow import prompt_for  # noqa: E402

# slow: every test drives a pseudo-terminal (pexpect)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]
SCREENER = Path(sys.executable).with_name("screener")
PROGRESS = r"\n([A-Z][A-Za-z ,]+) · question \d+ of (up to )?\d+ · "


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TIMEOUT = 60  # generous: CI is a loaded 2-core machine; every wait is on explicit text


def spawn(home: Path, *args: str):
    env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm-256color", NO_COLOR="1",
               PROMPT_TOOLKIT_NO_CPR="1")  # pexpect does not answer cursor-position queries
    child = pexpect.spawn(str(SCREENER), list(args), env=env, encoding="utf-8", timeout=TIMEOUT,
                          dimensions=(50, 220))
    return child


def answer_until(child, ruleset, script: dict, *, stop_at: str | None = None,
                 save_to: Path | None = None) -> str:
    """Answer each question as it appears; return everything read once the result is
    shown and the save offers answered (answers saved to ``save_to`` when given).

    Each step waits for a screen's own marker: a question is recognised only by its
    text right after its progress line, never anywhere on the screen (the review
    screen lists every question's text, and answering those would type stray keys
    that the terminal echoes or a later prompt takes)."""
    today = dt.date.today()
    by_text = {q.text: q for q in ruleset.questions}
    questions = [re.escape(t) for t in by_text]
    steps = [PROGRESS, r"Is everything right\?"]
    seen = ""

    def wait(pattern: str) -> None:
        nonlocal seen
        child.expect(pattern)
        seen += child.before + child.after

    while True:
        step = child.expect(steps)
        seen += child.before + child.after
        if step == 1:
            break
        # a question screen: its text follows the progress line
        index = child.expect(questions)
        seen += child.before + child.after
        question = list(by_text.values())[index]
        if question.id == stop_at:
            return seen
        prompt = prompt_for(question, today=today)
        answer = script.get(question.id)
        child.send("\r" if answer is None and question.type == "date"
                   else keys_for(prompt, answer))
    # after the review, each screen once, in order (a prompt redraws its own text when
    # answered, so each step waits for the next screen before typing again)
    child.send("\r")  # "show my result" is highlighted
    wait("RESULT:")
    if child.expect([r"Show the details\?", r"Save your answers to a file"]) == 0:
        seen += child.before + child.after
        child.send("n")  # the first screen only (the details are asked for)
        wait(r"Save your answers to a file")
    else:
        seen += child.before + child.after
    child.send("y" if save_to else "n")
    if save_to:
        wait("File name for the answers")
        child.send(CLEAR + str(save_to) + "\r")
        wait("Saved your answers to")
    wait(r"Save a report of this result\?")
    child.send("\r")  # "No report" is highlighted
    child.expect(pexpect.EOF)
    return seen + child.before


def result_text(transcript: str) -> str:
    start = transcript.index("RESULT:")
    end = transcript.index("Save your answers", start)
    return re.sub(r"\s+", " ", ANSI.sub("", transcript[start:end]))


def test_full_run_in_a_terminal(tmp_path, ruleset):
    child = spawn(tmp_path / "home", "run")
    transcript = answer_until(child, ruleset, ROUTINE)
    child.close()
    assert child.exitstatus == 0
    assert "Urgent check · question 1 of up to " in transcript
    assert "RESULT: DISCUSS WITH A CLINICIAN AT A ROUTINE APPOINTMENT" in transcript
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
    assert json.loads((home / "draft.json").read_text())["position"] == "diet_pattern"

    child = spawn(home, "resume")
    child.expect("Continuing your screening")
    resumed = answer_until(child, ruleset, ROUTINE, save_to=tmp_path / "resumed.json")
    child.close()
    assert child.exitstatus == 0
    assert "About you · question" not in resumed and "Diet · question" in resumed  # only the rest

    child = spawn(tmp_path / "other-home", "run")
    uninterrupted = answer_until(child, ruleset, ROUTINE, save_to=tmp_path / "straight.json")
    child.close()
    assert child.exitstatus == 0
    # the saved answers are the contract; the screen text is checked too, without colour codes
    resumed_answers = json.loads((tmp_path / "resumed.json").read_text())
    assert resumed_answers == json.loads((tmp_path / "straight.json").read_text())
    assert resumed_answers["diet_pattern"] == "omnivore" and resumed_answers["age_years"] == 70
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
                          timeout=TIMEOUT, dimensions=(50, 220))
    child.expect("None of these")
    screen = child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    assert "Do you have any of these right now?" in screen
    assert not re.search(r"\x1b\[[0-9;]*(38|48);[25];", screen)  # no colour codes


def test_help_then_enter_on_a_menu_chooses_nothing(tmp_path, ruleset):
    """In a real terminal, ? prints the help above the open menu and the Enter typed
    next (as on typed questions) records nothing; the draft shows what was chosen."""
    home = tmp_path / "home"
    child = spawn(home, "run")
    answer_until(child, ruleset, ROUTINE, stop_at="sex_at_birth")
    child.send("?")
    child.expect("an Enter right after \\? is ignored")
    # the help is printed with the terminal briefly in cooked mode (prompt_toolkit's
    # run_in_terminal); a key typed before the menu is redrawn can be read as a line,
    # so wait for the redrawn menu as a person would see it
    child.expect(r"then Enter\)")
    child.send("\r")  # would have recorded "Female", the highlighted option
    child.send("2\r")  # "Male"
    child.expect(PROGRESS)  # the next question: the draft is saved before it is asked
    # Ctrl-C once the question is drawn, as a person sees it: sent between the progress
    # line and the prompt, it reached Python 3.12 before prompt_toolkit's handler (lost)
    child.expect(r"to go back\)")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    draft = json.loads((home / "draft.json").read_text())
    assert draft["answers"]["sex_at_birth"] == "male"
    assert draft["position"] != "sex_at_birth"
