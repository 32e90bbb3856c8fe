"""Hostile environments, not hostile answers ("a red flag is never lost"): a terminal
that cannot show every character, a data folder that cannot be written, escape codes in
file names, a permissive umask, dates from nowhere, a dumb terminal. Each must end in a
result or one clear paragraph, never a traceback, with the urgent advice shown first.

Every test drives the real command line in a child process (or a pseudo-terminal).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # every test starts the command in a child process

URGENT = {"red_flags_now": ["chest_pain"], "screened_on": "2025-06-15"}


def run(*args, env=None, stdin=None):
    environ = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True,
                          input=stdin, cwd=ROOT, timeout=120, env=environ)


def no_traceback(proc) -> str:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return err


@pytest.fixture
def urgent_file(tmp_path):
    path = tmp_path / "urgent.json"
    path.write_text(json.dumps(URGENT))
    return path


# ------------------------------------------------- 1. an ASCII or Latin-1 terminal

@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_urgent_result_reaches_a_terminal_that_cannot_show_every_character(
        urgent_file, encoding, lang):
    proc = run("screen", str(urgent_file), "--lang", lang,
               env={"PYTHONIOENCODING": encoding, "LANG": "C", "LC_ALL": "C"})
    no_traceback(proc)
    assert proc.returncode == 0
    out = proc.stdout.decode(encoding)
    first = "RESULT: GET URGENT MEDICAL CARE NOW" if lang == "en" else "RESULTADO: BUSQUE ATENCI"
    assert first in out
    if encoding == "ascii" and lang == "es":  # near ASCII, readable: not '?' for each accent
        assert "BUSQUE ATENCION MEDICA URGENTE AHORA" in out


def test_help_on_an_ascii_terminal():
    proc = run("run", "--help", env={"PYTHONIOENCODING": "ascii"})
    no_traceback(proc)
    assert proc.returncode == 0 and b"espanol" in proc.stdout


# --------------------------------------------- 3. escape sequences in what is echoed

ESC = "\x1b]0;owned\x07\x1b[2J"


def test_file_name_with_escape_codes_is_echoed_harmless(tmp_path):
    proc = run("screen", str(tmp_path / f"no{ESC}such.json"))
    err = no_traceback(proc)
    assert proc.returncode == 2
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b]0;owned\\x07\\x1b[2J" in err


def test_patient_ref_with_escape_codes_is_echoed_harmless(tmp_path):
    proc = run("report", str(ROOT / "examples" / "answers.json"), "-o",
               str(tmp_path / "r.fhir.json"), "--patient-ref", f"Patient/{ESC}")
    err = no_traceback(proc)
    assert proc.returncode == 2
    assert "\x1b" not in err and "\x07" not in err and "'Patient/\\x1b]0;owned" in err


def test_output_name_with_escape_codes_is_echoed_harmless(tmp_path):
    output = tmp_path / f"out{ESC}.md"
    proc = run("report", str(ROOT / "examples" / "answers.json"), "-o", str(output))
    err = no_traceback(proc)
    assert proc.returncode == 0 and output.exists()
    assert "\x1b" not in err and f"wrote {tmp_path}/out\\x1b]0;owned" in err


def test_option_value_with_escape_codes_is_echoed_harmless():
    proc = run("run", "--date", ESC)
    err = no_traceback(proc)
    assert proc.returncode == 2 and "\x1b" not in err and "\\x1b" in err


# ------------------------------------------ 7. the URGENT line in the person's language

def test_urgent_line_of_refused_answers_is_in_spanish(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"red_flags_now": ["chest_pain"], "age_years": "x"}))
    proc = run("screen", str(path), "--lang", "es")
    err = no_traceback(proc)
    assert proc.returncode == 2
    assert "screener: URGENTE: estas respuestas indican un signo de alarma " \
           "(red_flags_now=chest_pain)" in err
    assert "URGENT:" not in err and "get urgent medical care" not in err
    assert "busque atención médica urgente ahora" in err


# ------------------------------------------------ 4. a permissive umask (umask 000)

pexpect = None
try:
    import pexpect
except ImportError:  # pragma: no cover - the test extra installs it
    pass
SCREENER = Path(sys.executable).with_name("screener")
needs_pty = pytest.mark.skipif(pexpect is None, reason="needs pexpect")


def spawn_run(env: dict, *args: str, umask: str | None = None):
    environ = {k: v for k, v in os.environ.items() if k not in ("SCREENER_HOME", "NO_COLOR")}
    environ.update({"PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm-256color", **env})
    command = f"umask {umask}; exec \"$0\" \"$@\"" if umask else "exec \"$0\" \"$@\""
    return pexpect.spawn("/bin/sh", ["-c", command, str(SCREENER), "run", *args], env=environ,
                         encoding="utf-8", timeout=60, dimensions=(50, 200))


@needs_pty
def test_data_folder_and_its_new_parents_are_private_under_umask_000(tmp_path):
    base = tmp_path / "new" / "share"
    child = spawn_run({"XDG_DATA_HOME": str(base)}, umask="000")
    child.expect("Do you have any of these right now")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    for folder in (tmp_path / "new", base, base / "screener"):
        assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700, folder


# ---------------------------------------- 5. a screening date from nowhere (the season)

@pytest.mark.parametrize("day, why", [("9999-12-31", "in the future"),
                                      ("1850-01-01", "before 1900-01-01")])
def test_screening_date_out_of_range_is_refused_and_the_red_flag_still_said(
        tmp_path, day, why):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"red_flags_now": ["chest_pain"], "screened_on": day}))
    proc = run("screen", str(path))
    err = no_traceback(proc)
    assert proc.returncode == 2 and proc.stdout == b""
    assert f"screened_on: the date is {why}" in err
    assert "URGENT: these answers report a red flag (red_flags_now=chest_pain)" in err


def test_screening_date_a_day_ahead_is_accepted(tmp_path):
    import datetime as dt

    path = tmp_path / "answers.json"
    tomorrow = dt.date.today() + dt.timedelta(days=1)  # another time zone's today
    path.write_text(json.dumps({"red_flags_now": ["none"], "screened_on": tomorrow.isoformat()}))
    proc = run("screen", str(path))
    no_traceback(proc)
    assert proc.returncode == 0 and proc.stdout.startswith(b"RESULT:")


def test_run_date_in_the_future_is_refused():
    proc = run("run", "--date", "9999-12-31")
    err = no_traceback(proc)
    assert proc.returncode == 2 and "argument --date: '9999-12-31': the date is in the future" in err


# ------------------------------ 2. a data folder that cannot be made: run goes on

@needs_pty
def test_run_with_an_unusable_data_folder_asks_the_urgent_check_and_goes_on(tmp_path):
    (tmp_path / "file").write_text("")  # a file where a folder of the path belongs
    child = spawn_run({"XDG_DATA_HOME": str(tmp_path / "file" / "share"), "NO_COLOR": "1"},
                      "--plain")
    child.expect("Do you have any of these right now")
    child.expect("Answer")
    child.sendline("3")  # chest pain
    child.expect("RESULT: GET URGENT MEDICAL CARE NOW")
    seen = child.before
    child.expect(r"Save your answers to a file")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in seen + child.before
    text = " ".join(seen.split())  # the note may be wrapped to the terminal's width
    assert text.count("cannot be saved as you go") == 1
    note = text[text.index("Your answers cannot be saved"):]  # after the urgent answer
    assert "the screening goes on." in note and str(tmp_path / "file") in note


# ------------------------------------------- 8. a dumb terminal gets no escape codes

@needs_pty
def test_dumb_terminal_gets_no_escape_codes(tmp_path):
    child = spawn_run({"SCREENER_HOME": str(tmp_path), "TERM": "dumb"})
    child.expect("Do you have any of these right now")
    child.expect("Answer")
    seen = child.before
    child.sendline("3")  # chest pain, typed: numbered options on a dumb terminal
    child.expect("RESULT: GET URGENT MEDICAL CARE NOW")
    seen += child.before
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert "\x1b" not in seen and "11. None of these" in seen
