"""screener intake: two people in a row on one terminal; the second never sees the first.

The typed lines for each person are worked out by running the real questionnaire with a
scripted asker that notes what a person would type in plain mode for each screen; then
the same lines are typed into intake mode (in process, and in a real pty).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest
import yaml
from test_interactive import ROUTINE

from screener.terminal.asker import PlainAsker, ScriptedAsker
from screener.terminal.flow import run_questionnaire
from screener.terminal.intake import CLEAR_SCREEN, QUIT, free_stem, parse_respondent_id, run_intake

pytestmark = pytest.mark.timeout(120)
SCREENER = Path(sys.executable).with_name("screener")
TODAY = dt.date(2025, 1, 15)

#: the first person: distinctive answers the second must never see
FIRST = dict(ROUTINE, age_years=87, height_cm=151, weight_kg=49)
#: the second person: the healthy-adult persona (no factors), 35 years old
SECOND = {k: v for k, v in yaml.safe_load(
    (Path(__file__).parent.parent / "personas" / "healthy-adult.yaml").read_text())["answers"].items()
    if k != "screened_on"}
RED_FLAG = {"red_flags_now": ["seizure"]}
#: what would show the first person's data on the second person's screens (the review
#: screen lists every answer; a leaked state would also show them as defaults)
SECRETS = ("P-0001", "->  87", "[87]", "->  151", "->  49", "Possible low vitamin D")


class Typist(ScriptedAsker):
    """Answers from a script and notes the line a person types for each plain prompt."""

    def __init__(self, answers):
        super().__init__(answers)
        self.lines: list[str] = []

    def ask(self, prompt):
        value = super().ask(prompt)
        values = [o.value for o in prompt.options]
        if prompt.kind == "choice":
            line = str(values.index(value) + 1)
        elif prompt.kind == "multi":
            line = ",".join(str(values.index(v) + 1) for v in value)
        elif prompt.kind == "confirm":
            line = "y" if value else "n"
        elif prompt.kind == "date":
            line = ""  # Enter keeps the date shown
        else:
            line = "" if value is None else str(value)
        self.lines.append(line)
        return value


def typed_lines(ruleset, answers: dict) -> list[str]:
    typist = Typist(dict(answers))
    run_questionnaire(ruleset, typist, today=TODAY)
    return typist.lines


def files_of(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in folder.iterdir()}


def test_two_people_in_process(ruleset, tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LINES", "500")  # each result fits: shown whole, no "Show the details?"
    lines = (["P-0001", *typed_lines(ruleset, FIRST), ""]
             + ["P-0002", *typed_lines(ruleset, SECOND), ""] + ["quit"])
    stdin, out = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    askers = []

    def new_asker():
        askers.append(PlainAsker(stdin=stdin, stdout=out))
        return askers[-1]

    folder = tmp_path / "clinic"
    count = run_intake(ruleset, new_asker, folder, report_format="md",
                       clear=lambda: out.write(CLEAR_SCREEN), today=lambda: TODAY)
    assert count == 2
    assert len(askers) == 3 and len({id(a) for a in askers}) == 3  # a new asker a person
    screens = out.getvalue().split(CLEAR_SCREEN)
    first, second = screens[1], screens[2]
    assert "P-0001" in first and "How old are you?" in first
    assert "RESULT: DISCUSS WITH A CLINICIAN AT A ROUTINE APPOINTMENT" in first
    assert "->  87" in first and "Possible low vitamin D" in first  # the secrets are real
    assert "P-0002" in second and "->  35" in second and "Is everything right?" in second
    for secret in SECRETS:
        assert secret not in second, secret
    assert "never a name" in first and "never a name" in second  # said on screen
    assert screens[-1] == ""  # cleared on quitting too

    names = files_of(folder)
    assert sorted(names) == sorted(f"P-000{n}-{kind}" for n in (1, 2) for kind in
                                   ("answers.json", "result.json", "report.md"))
    for path in names.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    answers = json.loads(names["P-0001-answers.json"].read_text())
    assert answers["respondent_id"] == "P-0001" and answers["age_years"] == 87
    result = json.loads(names["P-0002-result.json"].read_text())
    assert result["respondent_id"] == "P-0002" and result["answers"]["age_years"] == 35
    assert "Rules fired" in names["P-0001-report.md"].read_text() or \
        "TR-ROUTINE" in names["P-0001-report.md"].read_text()  # the clinician view
    assert not (tmp_path / "home" / "draft.json").exists()


def test_a_used_id_gets_a_suffix_or_another_id(ruleset, tmp_path):
    folder = tmp_path / "clinic"
    folder.mkdir()
    (folder / "P-1-answers.json").write_text("{}")
    assert free_stem(folder, "P-1", ".md") == "P-1-2"
    lines = ["Jane Doe",  # refused: spaces (and a name)
             "P-1", "n",  # used: no suffix, type another id
             "P-1", "y",  # used: accept P-1-2
             *typed_lines(ruleset, RED_FLAG), "", "quit"]
    stdin, out = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    count = run_intake(ruleset, lambda: PlainAsker(stdin=stdin, stdout=out), folder,
                       clear=lambda: None, today=lambda: TODAY)
    assert count == 1
    assert "Sorry: a respondent id is 1 to 64 letters" in out.getvalue()
    assert (folder / "P-1-answers.json").read_text() == "{}"  # never overwritten
    saved = json.loads((folder / "P-1-2-answers.json").read_text())
    assert saved["respondent_id"] == "P-1"


def test_end_of_input_quits_and_saves_nothing_half_done(ruleset, tmp_path):
    lines = ["P-9", *typed_lines(ruleset, FIRST)[:5]]  # input ends mid-questionnaire
    stdin, out = io.StringIO("\n".join(lines) + "\n"), io.StringIO()
    count = run_intake(ruleset, lambda: PlainAsker(stdin=stdin, stdout=out), tmp_path / "c",
                       clear=lambda: None, today=lambda: TODAY)
    assert count == 0
    assert "nothing was saved for this person" in out.getvalue()
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").iterdir())


def test_respondent_id_rules():
    assert parse_respondent_id(" A-12.b_3 ") == "A-12.b_3"
    assert parse_respondent_id(" QUIT ") is QUIT
    with pytest.raises(ValueError, match="type quit"):
        parse_respondent_id("q")  # a stray q neither ends the session nor is an id
    for bad in ("", "Jane Doe", "-x", "a/b", "x" * 65):
        with pytest.raises(ValueError):
            parse_respondent_id(bad)


# ----------------------------------------------------------------------- in a pty

pexpect = pytest.importorskip("pexpect")
ANSWER = r"Answer( \[[^\]\r\n]*\])?: "


@pytest.mark.slow  # the intake command in a pseudo-terminal or child process
def test_two_people_in_a_terminal(ruleset, tmp_path):
    today = dt.date.today()
    home, folder = tmp_path / "home", tmp_path / "clinic"

    def lines_for(answers):
        typist = Typist(dict(answers))
        run_questionnaire(ruleset, typist, today=today)
        return typist.lines

    env = dict(os.environ, SCREENER_HOME=str(home), TERM="xterm-256color",
               PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(str(SCREENER), ["intake", "--out", str(folder), "--plain",
                                          "--format", "html"],
                          env=env, encoding="utf-8", timeout=60,
                          dimensions=(500, 200))  # each result fits: shown whole
    transcript = ""
    for line in (["P-0001", *lines_for(FIRST), ""] + ["P-0002", *lines_for(SECOND), ""]
                 + ["quit"]):
        child.expect(ANSWER)
        transcript += child.before + child.after
        child.sendline(line)
    child.expect(pexpect.EOF)
    transcript += child.before
    child.close()
    assert child.exitstatus == 0
    assert "Intake ended: 2 screenings saved" in transcript
    assert "\x1b[3J" in transcript  # the scrollback is cleared too
    screens = transcript.split(CLEAR_SCREEN)
    second = next(s for s in screens if "P-0002" in s)
    assert "->  35" in second and "RESULT:" in second
    for secret in SECRETS:
        assert secret not in second, secret
    assert len(files_of(folder)) == 6
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    assert "<html" in (folder / "P-0002-report.html").read_text().lower()
    assert not (home / "draft.json").exists()


@pytest.mark.slow  # the intake command in a pseudo-terminal or child process
def test_intake_needs_a_terminal(tmp_path):
    import subprocess
    proc = subprocess.run([str(SCREENER), "intake", "--out", str(tmp_path)],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not a terminal" in proc.stderr
    assert re.search(r"Traceback", proc.stderr) is None


def test_an_id_that_looks_like_an_amount_is_refused():
    """Every output carries the id and output that looks like a dose is refused, so an id
    such as 400IU would hide the result (even an urgent one): refuse it up front."""
    import pytest as _pytest

    from screener.terminal.intake import parse_respondent_id

    for bad in ("400IU", "bay-4G", "Jane Smith"):
        with _pytest.raises(ValueError, match="must not look like an amount"):
            parse_respondent_id(bad)
    assert parse_respondent_id("bay-4") == "bay-4"
