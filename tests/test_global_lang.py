"""`--lang` is accepted before the command (`screener --lang es run`) as well as after
it; before, argparse took `es` for the command: "invalid choice: 'es'"."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from screener.cli import build_parser, main

ANSWERS = str(ROOT / "examples" / "answers.json")
SPANISH = "RESULTADO: COMÉNTELO CON UN PROFESIONAL SANITARIO"


@pytest.mark.parametrize("argv", [["--lang", "es", "screen", ANSWERS],
                                  ["--lang=es", "screen", ANSWERS],
                                  ["screen", ANSWERS, "--lang", "es"],
                                  ["--lang", "en", "screen", ANSWERS, "--lang", "es"]])
def test_lang_before_or_after_the_command(argv, capsys):
    assert main(argv) == 0
    assert SPANISH in capsys.readouterr().out


def test_lang_after_the_command_wins(capsys):
    assert main(["--lang", "es", "screen", ANSWERS, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("RESULT: DISCUSS WITH A CLINICIAN") and SPANISH not in out


def test_a_command_without_lang_says_which_take_it(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "es", "rules", "check"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" not in err
    # in the language asked for (issue 21: every command-line error through the catalogue)
    assert "--lang es para las órdenes" in err and "'rules' no lo admite" in err
    assert "run" in err and "report" in err


def test_unknown_language_before_the_command(capsys):
    assert main(["--lang", "xx", "screen", ANSWERS]) == 2
    assert "unknown language 'xx' for --lang; choose one of: en, es" in capsys.readouterr().err


def test_the_global_option_is_in_the_help():
    assert "--lang LANG" in build_parser().format_help()


# ----------------------------------------------------------------------- in a pty

pexpect = pytest.importorskip("pexpect")


@pytest.mark.slow  # a pseudo-terminal
@pytest.mark.parametrize("args", [["--lang", "es", "run", "--plain"], ["--lang", "es"]],
                         ids=["run", "no-command"])
def test_lang_before_run_asks_in_spanish(tmp_path, args):
    env = dict(os.environ, SCREENER_HOME=str(tmp_path), TERM="xterm-256color", NO_COLOR="1",
               PROMPT_TOOLKIT_NO_CPR="1", LANG="C.UTF-8")
    child = pexpect.spawn(str(Path(sys.executable).with_name("screener")), args, env=env,
                          encoding="utf-8", timeout=60, dimensions=(50, 200))
    child.expect("alguno de estos problemas")
    assert "Comprobación urgente" in child.before
    child.expect("Respuesta: " if "--plain" in args else r"\)")  # the prompt is drawn
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
