"""Long menus (10 options or more): typed numbers, the cue for options out of sight, and
the echo of the answer, as a person sees them on a 60x24 terminal.

Keys go through prompt_toolkit's pipe input, with real pauses between them where the
timing matters; the screen is a pyte terminal emulator that prompt_toolkit draws on
(60 columns, 24 rows), so the tests read what a person would read. The last test runs
`screener resume` in a pseudo-terminal that answers cursor-position requests as a real
terminal does.
"""

from __future__ import annotations

import datetime as dt
import io
import json
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
from prompt_toolkit.output.vt100 import Vt100_Output

from screener.terminal.asker import Option, Prompt
from screener.terminal.menus import TerminalAsker

pyte = pytest.importorskip("pyte")
pytestmark = pytest.mark.timeout(120)

TODAY = dt.date(2025, 1, 15)
DOWN, UP, ENTER, SPACE, BACKSPACE = "\x1b[B", "\x1b[A", "\r", " ", "\x7f"
PAUSE = 1.6  # longer than any "wait for a second digit" a menu could use


class Terminal:
    """A pyte screen prompt_toolkit writes to, as to a terminal's stdout."""

    def __init__(self, columns: int = 60, rows: int = 24, encoding: str = "utf-8"):
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.encoding = encoding
        self.lock = threading.Lock()

    def write(self, data: str) -> None:
        with self.lock:
            self.stream.feed(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation("a pyte screen")

    @property
    def text(self) -> str:
        with self.lock:
            return "\n".join(line.rstrip() for line in self.screen.display)


def ask(prompt: Prompt, keys: list, terminal: Terminal | None = None,
        ready: str = "Enter"):
    """Ask ``prompt`` on ``terminal`` (60x24 by default), typing ``keys`` once the menu
    is drawn (``ready`` on screen): strings are typed, numbers are pauses in seconds,
    functions are called (to look at the screen between keys). Returns the answer and
    the terminal."""
    terminal = terminal or Terminal()
    size = Size(rows=terminal.screen.lines, columns=terminal.screen.columns)
    output = Vt100_Output(terminal, lambda: size, term="xterm", enable_cpr=False)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=output):
        def type_keys():
            deadline = time.monotonic() + 30
            while ready not in terminal.text and time.monotonic() < deadline:
                time.sleep(0.05)
            for key in keys:
                if isinstance(key, str):
                    pipe.send_text(key)
                elif callable(key):
                    key()
                else:
                    time.sleep(key)

            # a menu still open after the last key (an answer it refused) ends with
            # Ctrl-C: the test fails at once instead of waiting for its timeout
            if not done.wait(3):
                pipe.send_text("\x03")

        done = threading.Event()
        typist = threading.Thread(target=type_keys, daemon=True)
        typist.start()
        try:
            answer = TerminalAsker(stdout=io.StringIO()).ask(prompt)
        except KeyboardInterrupt:
            raise AssertionError("the menu was still open after the last key:\n"
                                 + terminal.text) from None
        finally:
            done.set()
            typist.join(timeout=30)
    return answer, terminal


@pytest.fixture
def medicines(ruleset):
    from screener.terminal.flow import prompt_for

    prompt = prompt_for(ruleset.questions.by_id["medicines"], today=TODAY)
    assert len(prompt.options) >= 10
    return prompt


def values(prompt, *numbers):
    return [prompt.options[n - 1].value for n in numbers]


# ------------------------------------------------------------------ checkbox, typed numbers

@pytest.mark.parametrize("keys, ticked", [
    (["1", "4", SPACE, ENTER], [14]),             # typed quickly
    (["1", PAUSE, "4", SPACE, ENTER], [14]),      # a pause between the digits: still 14
    (["1", "4", ENTER, ENTER], [14]),             # Enter ticks the number, the next confirms
    (["4", DOWN, SPACE, ENTER], [5]),             # "4" ticks nothing by itself; an arrow forgets it
    (["1", "9", BACKSPACE, "5", SPACE, ENTER], [15]),  # Backspace takes back a digit
    (["4", "1", ENTER, "2", SPACE, ENTER], [2]),  # no option 41: nothing is ticked
    (["0", "1", SPACE, "1", "5", SPACE, ENTER], [1, 15]),  # furosemide and a statin
])
def test_a_typed_number_ticks_exactly_that_option(medicines, keys, ticked):
    answer, _terminal = ask(medicines, keys)
    assert answer == values(medicines, *ticked)


def test_the_number_being_typed_is_shown_under_the_list(medicines):
    seen = {}

    class Watching(Terminal):
        def write(self, data):
            super().write(data)
            if "Go to 14" in data:
                seen["line"] = next(line for line in self.text.splitlines() if "Go to 14" in line)

    ask(medicines, ["1", "4", 0.5, SPACE, DOWN, SPACE, ENTER], Watching())
    assert seen["line"].strip().startswith("Go to 14: Space or Enter ticks it")
    assert len(seen["line"]) <= 59


# ------------------------------------------------------------------ menu, typed numbers

LONG_MENU = Prompt(kind="choice", text="Which one?",
                   options=tuple(Option(f"v{n}", f"Option number {n}") for n in range(1, 15)))


@pytest.mark.parametrize("keys, chosen", [
    (["1", "4", ENTER], "v14"),
    (["1", PAUSE, "4", ENTER], "v14"),
    (["4", ENTER], "v4"),
    (["4", "1", ENTER, "2", ENTER], "v2"),   # no option 41: that Enter chooses nothing
    ([DOWN, DOWN, ENTER], "v3"),             # arrows as before
])
def test_a_long_menu_takes_whole_numbers(keys, chosen):
    answer, terminal = ask(LONG_MENU, keys)
    assert answer == chosen
    assert "14. Option number 14" in terminal.text or "Which one?" in terminal.text


def test_a_short_menu_keeps_its_one_key_numbers():
    short = Prompt(kind="choice", text="Which one?",
                   options=tuple(Option(f"v{n}", f"Option {n}") for n in range(1, 5)))
    answer, _terminal = ask(short, ["3", ENTER])
    assert answer == "v3"


# ------------------------------------------------------------------ options out of sight

def visible_options(screen_text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^ (?:»| ) [○●] +(\d+)\.", screen_text, re.M)]


def test_a_cut_list_says_how_many_options_are_below_and_above(medicines):
    terminal = Terminal()
    drawn = {}

    def snapshot(name):
        return lambda: drawn.__setitem__(name, terminal.text)

    count = len(medicines.options)
    ask(medicines, [0.3, snapshot("top"), UP, 0.3, snapshot("bottom"), SPACE, ENTER], terminal)
    top, bottom = drawn["top"], drawn["bottom"]
    shown = visible_options(top)
    assert shown[0] == 1 and shown[-1] < count
    below = count - shown[-1]
    assert f"↓ {below} more below" in top
    assert "more above" not in top
    # Up from the first option goes to the last: the list scrolls to its end
    shown = visible_options(bottom)
    assert shown[-1] == count and "Not sure" in bottom and "None of these" in bottom
    assert f"↑ {shown[0] - 1} more above" in bottom and "more below" not in bottom
    assert all(len(line) <= 60 for line in bottom.splitlines())


def test_the_cue_uses_plain_letters_on_a_terminal_without_arrows(medicines):
    drawn = {}

    class Watching(Terminal):
        def write(self, data):
            super().write(data)
            if "more below" in self.text:
                drawn["text"] = self.text

    ask(medicines, [0.3, SPACE, ENTER], Watching(encoding="ascii"))
    assert re.search(r"^\s*v \d+ more below", drawn["text"], re.M)


def test_a_list_that_fits_has_no_cue(medicines):
    """The cue line is there only when needed (a guard, not a regression test)."""
    drawn = {}

    class Watching(Terminal):
        def write(self, data):
            super().write(data)
            drawn["text"] = self.text

    ask(medicines, [0.3, SPACE, ENTER], Watching(columns=120, rows=60))
    assert "more below" not in drawn["text"] and "more above" not in drawn["text"]


# ------------------------------------------------------------------ the echo of the answer

def test_the_echo_of_one_long_ticked_option_wraps_at_words(medicines):
    answer, terminal = ask(medicines, [SPACE, ENTER])  # the first option, pointed at
    assert answer == values(medicines, 1)
    label = medicines.options[0].label
    echoed = terminal.text[terminal.text.index("medicines?"):]
    lines = [line for line in echoed.splitlines() if line.strip()]
    assert " ".join(" ".join(lines).split()).endswith(label)  # every word, in order
    assert all(len(line) <= 59 for line in terminal.text.splitlines())


def test_the_echo_of_a_long_menu_choice_wraps_at_words():
    long_label = ("Blood pressure or heart tablets such as ramipril, lisinopril, "
                  "perindopril, losartan, candesartan or valsartan")
    prompt = Prompt(kind="choice", text="Which of these do you take most days?",
                    options=(Option("a", long_label), Option("b", "Something else")))
    answer, terminal = ask(prompt, ["1", ENTER])
    assert answer == "a"
    text = terminal.text
    echoed = text[text.index("most days?") + len("most days?"):]
    assert " ".join(echoed.split()) == long_label
    assert all(len(line) <= 59 for line in text.splitlines())


# ------------------------------------------------------------------ a real terminal

SCREENER = Path(sys.executable).with_name("screener")


class AnsweringScreen(pyte.Screen):
    """A terminal that answers cursor-position requests (ESC[6n), as xterm does."""

    child = None

    def write_process_input(self, data: str) -> None:
        self.child.send(data)


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_resume_at_60x24_numbers_with_a_pause_and_the_cue(tmp_path, ruleset):
    pexpect = pytest.importorskip("pexpect")
    sys.path.insert(0, str(Path(__file__).parent))
    from test_interactive import ROUTINE

    from screener.terminal.drafts import Draft, DraftStore

    home = tmp_path / "home"
    home.mkdir()
    ids = [q.id for q in ruleset.questions]
    before = ids[: ids.index("medicines")]
    answers = {k: v for k, v in ROUTINE.items() if k in before}
    DraftStore(home).save(Draft(ruleset_hash=ruleset.content_hash, answers=answers,
                                position="medicines", language="en"))
    env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm", NO_COLOR="1",
               LANG="C.UTF-8")
    env.pop("PROMPT_TOOLKIT_NO_CPR", None)  # this terminal answers
    child = pexpect.spawn(str(SCREENER), ["resume"], env=env, encoding="utf-8",
                          timeout=60, dimensions=(24, 60))
    screen = AnsweringScreen(60, 24)
    screen.child = child
    stream = pyte.Stream(screen)

    def read_until(text: str, seconds: float = 60) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            shown = "\n".join(screen.display)
            if text in shown:
                return shown
            try:
                stream.feed(child.read_nonblocking(4096, timeout=0.2))
            except pexpect.TIMEOUT:
                pass
        raise AssertionError(f"{text!r} never shown:\n" + "\n".join(screen.display))

    menu = read_until("more below")
    child.send("1")
    time.sleep(PAUSE)
    child.send("5")
    read_until("Go to 15")
    child.send(" ")
    time.sleep(0.3)
    child.send("0")
    time.sleep(PAUSE)
    child.send("1")
    child.send(" ")
    time.sleep(0.3)
    child.send("\r")
    after = read_until("supplements?")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    draft = json.loads((home / "draft.json").read_text())
    assert draft["answers"]["medicines"] == ["diuretic_loop_thiazide", "statin"]
    assert re.search(r"↓ \d+ more below", menu)
    assert "Statins" in after or "supplements?" in after
