"""What a person actually sees: a first screen that fits 24 lines, text wrapped at words
to the real terminal width, and an urgent stop labelled as such.

The pty tests drive `screener resume` (the real flow from the last answer: the review
screen's "show my result", or an urgent answer) in a pseudo-terminal of 80x24 or 60x24
that answers prompt_toolkit's cursor-position requests, as a real terminal does."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from screener.reports import render
from screener.ruleset.loading import load_ruleset
from screener.screening import screen
from screener.terminal.asker import PlainAsker
from screener.terminal.drafts import Draft, DraftStore
from screener.terminal.session import session

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b(\[[0-9;?<>=]*[A-Za-z]|[()][0-9A-B]|[=>78])")
pytestmark = pytest.mark.timeout(120)


def persona(name: str) -> dict:
    answers = yaml.safe_load((ROOT / "personas" / f"{name}.yaml").read_text())["answers"]
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in answers.items()}


URGENT = {"red_flags_now": ["hands_feet_locked"]}


# ------------------------------------------------------------ urgent stop label

@pytest.mark.parametrize("lang, label", [
    ("en", "Stopped at an urgent answer; {n} questions not asked."),
    ("es", "Detenido en una respuesta urgente; {n} preguntas sin hacer.")])
@pytest.mark.parametrize("fmt", ["text", "md", "html", "fhir"])
def test_an_urgent_stop_is_not_called_complete(lang, label, fmt):
    from screener.i18n import language

    ruleset = load_ruleset(None, lang)
    result = screen(URGENT, ruleset)
    assert result.triage == "urgent" and result.completeness.missing > 10
    with language(lang):
        out = render(result, ruleset, fmt, "clinician")
    if fmt == "fhir":  # a machine format: the same (English) words in every language
        label = "Stopped at an urgent answer; {n} questions not asked."
    assert label.format(n=result.completeness.missing) in " ".join(out.split())
    assert "Complete screening" not in out and "completo" not in out.lower()


# ---------------------------------------------------------- first screen (in process)

def _session_output(answers: dict, monkeypatch, tmp_path, columns: int, lang="en",
                    typed="n\nn\n1\n") -> str:
    """`screener run --plain` from a draft at the review screen (or an urgent answer):
    everything printed after the last answer."""
    monkeypatch.setenv("SCREENER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("LINES", "24")
    ruleset = load_ruleset(None, lang)
    store = DraftStore()
    store.save(Draft(ruleset_hash=ruleset.content_hash, answers=answers, position=None,
                     language=lang))
    out = io.StringIO()
    # the review screen's "show my result" (1), then no details, no saves
    asker = PlainAsker(stdin=io.StringIO("1\n" + typed), stdout=out)
    from screener.i18n import language

    with language(lang):
        session(ruleset, asker, store=store, resume=True, folder=tmp_path)
    text = out.getvalue()
    review = text.index("Answer", text.index("Is everything right?"))
    return text[text.index("\n", review) + 1:]  # after the last answer


@pytest.mark.parametrize("columns", [80, 60])
def test_older_adult_first_screen_fits_24_lines(monkeypatch, tmp_path, columns):
    shown = _session_output(persona("older-adult-diuretic"), monkeypatch, tmp_path, columns)
    first = shown[: shown.index("Show the details?")].splitlines()
    assert len(first) <= 24 - 2  # and the prompt's own lines below it
    screen_text = "\n".join(first)
    assert "RESULT: DISCUSS WITH A CLINICIAN AT A ROUTINE APPOINTMENT" in screen_text
    assert "What to do:" in screen_text and "Why:" in screen_text
    assert "Possible low magnesium" in screen_text and "Possible dehydration" in screen_text
    assert all(len(line) <= columns - 1 for line in shown.splitlines())


def test_the_details_on_request_are_the_whole_result(monkeypatch, tmp_path):
    shown = _session_output(persona("older-adult-diuretic"), monkeypatch, tmp_path, 80,
                            typed="y\nn\n1\n")
    details = shown[shown.index("Show the details?"):]
    assert "Questions to ask your clinician:" in details and "This is a screening" in details


def test_words_are_never_cut_at_60_columns(monkeypatch, tmp_path):
    shown = _session_output(persona("older-adult-diuretic"), monkeypatch, tmp_path, 60,
                            typed="y\nn\n1\n")
    ruleset = load_ruleset()
    full = render(screen(persona("older-adult-diuretic"), ruleset), ruleset, "text", "person")
    words = set(full.split())
    shown_words = set(shown.split())
    assert words - shown_words <= {"questions", "(y/N)"} or words <= shown_words
    assert [line for line in shown.splitlines() if len(line) > 59
            and not line.startswith("Answer")] == []  # (typed answers are not echoed here)


@pytest.mark.slow  # a child process
def test_files_and_pipes_keep_the_whole_result_at_78_columns(ruleset, tmp_path):
    import json
    import subprocess

    path = tmp_path / "a.json"
    path.write_text(json.dumps(persona("older-adult-diuretic")))
    out = subprocess.run([str(Path(sys.executable).with_name("screener")), "screen", str(path)],
                         capture_output=True, text=True, timeout=60).stdout
    assert out == render(screen(persona("older-adult-diuretic"), ruleset), ruleset, "text",
                         "person")
    assert "Questions to ask your clinician:" in out and "What to do:" not in out


# ------------------------------------------------------------------- in a pty

pexpect = pytest.importorskip("pexpect")
SCREENER = Path(sys.executable).with_name("screener")
CPR = r"\x1b\[6n"


class Terminal:
    """A pexpect child in a sized pty that answers cursor-position requests (the
    cursor is reported on the last row: the screen has scrolled by then)."""

    def __init__(self, home: Path, args: list[str], rows: int, columns: int):
        env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm-256color", NO_COLOR="1")
        env.pop("PROMPT_TOOLKIT_NO_CPR", None)
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.rows, self.columns = rows, columns
        self.child = pexpect.spawn(str(SCREENER), args, env=env, encoding="utf-8",
                                   timeout=60, dimensions=(rows, columns))
        self.seen = ""

    def expect(self, pattern: str) -> None:
        while True:
            index = self.child.expect([CPR, pattern])
            self.seen += self.child.before + self.child.after
            if index == 0:
                self.child.send(f"\x1b[{self.rows};1R")
                continue
            return

    def send(self, keys: str) -> None:
        self.child.send(keys)


def _screen_lines(raw: str) -> list[str]:
    """The lines as drawn: escape sequences removed, carriage returns resolved."""
    lines = []
    for line in ANSI.sub("", raw).replace("\r\n", "\n").split("\n"):
        lines.append(line.split("\r")[-1] if "\r" in line.rstrip("\r") else line.rstrip("\r"))
    return lines


def _first_screen(tmp_path, answers, lang, rows, columns) -> list[str]:
    home = tmp_path / f"home-{columns}"
    home.mkdir(mode=0o700)
    ruleset = load_ruleset(None, lang)
    DraftStore(home).save(Draft(ruleset_hash=ruleset.content_hash, answers=answers,
                                position=None, language=lang))
    term = Terminal(home, ["resume"], rows, columns)
    if "red_flags_now" in answers and len(answers) == 1:
        start = 0  # the urgent answer is the last one: the result comes at once
    else:
        term.expect(r"Is everything right\?|¿Está todo bien\?")
        term.expect(r"Enter\)")
        start = len(term.seen)
        term.send("\r")  # the last answer: "show my result"
    term.expect(r"Show the details\?|¿Mostrar los detalles\?|Save your answers|¿Guardar")
    first = _screen_lines(term.seen[start:])
    term.child.sendintr()
    term.child.expect(pexpect.EOF)
    term.child.close()
    # the first screen: the last `rows` lines once the person is asked anything more
    return [line for line in first if line.strip() or True][-rows:]


@pytest.mark.slow
@pytest.mark.parametrize("columns", [80, 60])
def test_first_screen_in_a_terminal(tmp_path, columns):
    lines = _first_screen(tmp_path, persona("older-adult-diuretic"), "en", 24, columns)
    text = "\n".join(lines)
    assert "RESULT: DISCUSS WITH A CLINICIAN AT A ROUTINE APPOINTMENT" in text
    assert "What to do:" in text and "Possible low vitamin D" in text
    result = lines[next(i for i, line in enumerate(lines) if "Your result" in line):]
    assert [line for line in result if len(line) > columns] == []  # wrapped at words
    assert result[-1].startswith("? Show the details?")  # the result fits above it


@pytest.mark.slow
def test_urgent_spanish_first_screen_in_a_terminal(tmp_path):
    lines = _first_screen(tmp_path, dict(URGENT), "es", 24, 80)
    text = "\n".join(lines)
    assert "RESULTADO:" in text and "urgencias" in text
