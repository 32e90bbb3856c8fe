"""The intake's respondent-id prompt as the clinic's staff meet it: a refused id is
cleared from the field and the whole reason is shown, wrapped to the terminal (it was
cut at the right edge, with the refused text left in the field), and only the
documented `quit` (or Ctrl-D on the empty field) ends the session: a stray `q` did."""

from __future__ import annotations

import io
import os
import re
import sys
import threading
import time
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.vt100 import Vt100_Output

from screener.answers import RESPONDENT_ID_RULE
from screener.terminal.asker import PlainAsker
from screener.terminal.intake import QUIT, ask_respondent_id, run_intake
from screener.terminal.menus import TerminalAsker

pytestmark = pytest.mark.timeout(120)
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def ask_id(tmp_path, keys: str, output=None):
    """The real arrow-key asker's id prompt with ``keys`` typed into it."""
    with create_pipe_input() as pipe, create_app_session(input=pipe,
                                                         output=output or DummyOutput()):
        pipe.send_text(keys)
        return ask_respondent_id(TerminalAsker(stdout=io.StringIO()), tmp_path, ".md")


def test_a_refused_id_is_cleared_from_the_field(tmp_path):
    """Before, "P-1" typed after the refused "Jane Doe" made "Jane DoeP-1" (refused too)."""
    assert ask_id(tmp_path, "Jane Doe\r" + "P-1\r") == ("P-1", "P-1")


def test_a_stray_q_does_not_end_the_session(tmp_path):
    assert ask_id(tmp_path, "q\r" + "P-2\r") == ("P-2", "P-2")  # q: refused, cleared
    assert ask_id(tmp_path, "Q\r" + "quit\r") is QUIT
    assert ask_id(tmp_path, "QUIT\r") is QUIT


def test_ctrl_d_on_the_empty_field_ends_it(tmp_path):
    with pytest.raises(EOFError):
        ask_id(tmp_path, "\x04")


def test_the_whole_reason_is_shown_wrapped_to_the_width(tmp_path):
    """Drawn on a 60-column terminal: every line fits and no word of the reason is lost
    (prompt_toolkit's one-line validation toolbar cut it after about 60 characters)."""
    screen = io.StringIO()
    output = Vt100_Output(screen, get_size=lambda: Size(rows=30, columns=60), term="xterm")
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        def then_type():  # the next id once the reason is on screen, as a person would
            deadline = time.monotonic() + 30
            while "type quit." not in ANSI.sub("", screen.getvalue()) \
                    and time.monotonic() < deadline:
                time.sleep(0.05)
            pipe.send_text("P-1\r")

        pipe.send_text("Jane Doe\r")
        typist = threading.Thread(target=then_type)
        typist.start()
        try:
            picked = ask_respondent_id(TerminalAsker(stdout=io.StringIO()), tmp_path, ".md")
        finally:
            typist.join()
    assert picked == ("P-1", "P-1")
    drawn = ANSI.sub("", screen.getvalue())
    reason = RESPONDENT_ID_RULE + ". To end the session, type quit."
    start = drawn.index(reason.split()[0] + " respondent id")
    shown = drawn[start:drawn.index("type quit.", start) + len("type quit.")]
    assert " ".join(shown.split()) == reason  # whole, broken only between words
    assert max(len(line) for line in shown.splitlines()) <= 60
    # the prompt says how to end the session, in words that fit too
    assert "or type quit to end" in drawn and "the session:" in drawn


def test_plain_mode_says_how_to_end_and_q_is_asked_again(ruleset, tmp_path):
    stdin, out = io.StringIO("q\nquit\n"), io.StringIO()
    count = run_intake(ruleset, lambda: PlainAsker(stdin=stdin, stdout=out), tmp_path / "c",
                       clear=lambda: None)
    assert count == 0
    text = out.getvalue()
    assert "Respondent id (an id, never a name), or type quit to end the session:" in text
    assert "Sorry: 'q' does not end the session and is not taken as an id" in text
    assert text.count("Answer: ") == 2  # asked again after q


def test_the_help_names_the_way_out(ruleset, tmp_path):
    stdin, out = io.StringIO("?\nquit\n"), io.StringIO()
    run_intake(ruleset, lambda: PlainAsker(stdin=stdin, stdout=out), tmp_path / "c",
               clear=lambda: None)
    assert ("To end the session, type quit (or press Ctrl-D on the empty field)."
            in " ".join(out.getvalue().split()))  # wrapped to the terminal's width


# ----------------------------------------------------------------------- in a pty

pexpect = pytest.importorskip("pexpect")


@pytest.mark.slow  # the intake command in a pseudo-terminal
def test_id_prompt_in_a_narrow_terminal(tmp_path):
    env = dict(os.environ, SCREENER_HOME=str(tmp_path / "home"), TERM="xterm-256color",
               NO_COLOR="1", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(str(Path(sys.executable).with_name("screener")),
                          ["intake", "--out", str(tmp_path / "clinic")], env=env,
                          encoding="utf-8", timeout=60, dimensions=(30, 60))
    child.expect(r"for help\)")
    child.send("Jane Doe\r")
    child.expect(r"or mg\)\. To end the session, type quit\.")  # the end of the reason
    # a stray q (the redrawn reason cannot be read from the stream: prompt_toolkit
    # skips the cells that did not change), then an id: q neither ended the session
    # nor stayed in the field
    child.send("q\r")
    child.send("P-1\r")
    child.expect(r"Screening (\S+)\. Please hand the keyboard")
    assert child.match.group(1) == "P-1"
    child.expect("None of these")
    child.sendintr()  # abandons this screening, as the staff may
    child.expect("nothing was saved for this person")
    child.expect("Press Enter")
    child.send("\r")
    child.expect(r"for help\)")
    child.send("quit\r")
    child.expect("Intake ended: 0 screenings saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not any((tmp_path / "clinic").iterdir())
