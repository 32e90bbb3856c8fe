"""Every command-line error in the person's language (issue 21): argparse's own words
("usage:", "invalid choice", "the following arguments are required") and the
screener's, through our catalogue, with --lang before or after the command or from
the locale. Before, `screener --lang es nonsense` answered wholly in English."""

from __future__ import annotations

import pytest
from conftest import ROOT

from screener import i18n
from screener.cli import main

ANSWERS = str(ROOT / "examples" / "answers.json")


def usage_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    return capsys.readouterr().err


def test_an_unknown_command_in_spanish(capsys):
    err = usage_error(["--lang", "es", "nonsense"], capsys)
    assert err.startswith("uso: screener")
    assert "opción no válida: 'nonsense' (elija entre 'run'" in err
    assert "invalid choice" not in err and "usage:" not in err


def test_a_mistyped_command_keeps_its_did_you_mean_in_spanish(capsys):
    err = usage_error(["--lang", "es", "scren"], capsys)
    assert "opción no válida: 'scren' (¿quería decir 'screen'?)" in err


def test_a_missing_argument_in_spanish(capsys):
    err = usage_error(["--lang", "es", "screen"], capsys)
    assert err.startswith("uso: screener screen")
    assert "faltan estos argumentos obligatorios: ANSWERS.json" in err


@pytest.mark.parametrize("argv", [["--lang", "es", "screen", ANSWERS, "--veiw", "person"],
                                  ["screen", ANSWERS, "--veiw", "person", "--lang=es"]])
def test_an_unknown_option_in_spanish_before_or_after_the_command(argv, capsys):
    err = usage_error(argv, capsys)
    assert "argumentos no reconocidos: --veiw (¿quería decir '--view'?) person" in err


def test_the_locale_chooses_the_language_of_errors(capsys, monkeypatch):
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert "faltan estos argumentos obligatorios" in usage_error(["screen"], capsys)


def test_the_screeners_own_errors_in_spanish(capsys):
    err = usage_error(["--lang", "es", "rules", "check"], capsys)
    assert "--lang es para las órdenes que muestran" in err and "'rules' no lo admite" in err
    assert main(["screen", ANSWERS, "--lang", "es_ES", "--rules", str(ROOT / "nowhere")]) == 2
    assert capsys.readouterr().err.startswith("screener: error: ")


def test_an_unknown_language_is_refused_in_english(capsys):
    """argparse cannot speak 'xx': the refusal names the languages there are."""
    assert main(["--lang", "xx", "screen", ANSWERS]) == 2
    assert "unknown language 'xx' for --lang; choose one of: en, es" in capsys.readouterr().err


def test_english_errors_are_unchanged_and_no_language_is_left_behind(capsys):
    err = usage_error(["--lang", "es", "screen"], capsys)
    assert i18n.current() == "en"  # main speaks Spanish only while it runs
    err = usage_error(["nonsense"], capsys)
    assert err.startswith("usage: screener") and "invalid choice: 'nonsense'" in err
