"""One output guard on every command (safety.ensure_safe_text): `demo`, `personas` and
`schema answers` refuse text that looks like a dose or a diagnosis, a persona that says
one is refused when it is loaded, and `rules check` names the file, line and field of
one in a rule, a question's help or a translation. Each case uses a hostile copy (of
personas/ or rules/) in tmp_path."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from screener.cli import main
from screener.personas import DEFAULT_PERSONAS_DIR

ES = "locales/es.yaml"
ES_AGE_HELP = "Su edad en años cumplidos."
EN_AGE_HELP = "Your age in whole years."


@pytest.fixture
def personas_copy(tmp_path):
    target = tmp_path / "personas"
    shutil.copytree(DEFAULT_PERSONAS_DIR, target)
    return target


def _replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line(path, fragment):
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if fragment in line)


def _run(*args):
    return subprocess.run([sys.executable, "-m", "screener", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


# ------------------------------------------------------------------------- personas

@pytest.mark.parametrize("command", [["personas", "--check"], ["personas"],
                                     ["personas", "--format", "json"], ["demo", "--list"]])
def test_a_persona_story_with_an_amount_is_refused_with_file_line_field(
        capsys, personas_copy, command):
    path = _replace(personas_copy / "healthy-adult.yaml", "story: A healthy 35-year-old",
                    "story: Should take 2 tablets. A healthy 35-year-old")
    assert main([*command, "--personas", str(personas_copy)]) == 2
    out, err = capsys.readouterr()
    assert f"{path}:{_line(path, 'story: Should')}: healthy-adult: story: looks like a dose " \
        "or a diagnosis ('2 tablets')" in err
    assert "2 tablets" not in out


def test_a_translated_persona_story_with_a_dose_is_refused(capsys, personas_copy):
    path = _replace(personas_copy / "healthy-adult.yaml", "story: Persona sana",
                    "story: Tome 5000 U.I. al día. Persona sana")
    assert main(["personas", "--check", "--personas", str(personas_copy)]) == 2
    out, err = capsys.readouterr()
    assert f"{path}:{_line(path, 'Tome 5000')}: healthy-adult: translations.es.story: looks " \
        "like a dose or a diagnosis ('5000 U.I.')" in err
    assert "5000" not in out


def test_a_persona_name_stating_a_diagnosis_is_refused(capsys, personas_copy):
    path = _replace(personas_copy / "healthy-adult.yaml", "name: ", "name: You are dehydrated ")
    assert main(["demo", "--list", "--personas", str(personas_copy)]) == 2
    assert f"{path}:{_line(path, 'name:')}: healthy-adult: name: looks like a dose or a " \
        "diagnosis ('You are dehydrated')" in capsys.readouterr().err


def test_the_shipped_personas_pass_the_guard(capsys):
    assert main(["personas", "--format", "json"]) == 0
    assert main(["demo", "--list"]) == 0
    assert main(["schema", "answers"]) == 0


# ---------------------------------------------------------------------- rules check

@pytest.mark.slow  # a child process
def test_rules_check_names_the_field_of_a_dose_in_a_translated_help(rules_copy):
    path = _replace(rules_copy / ES, ES_AGE_HELP, f"Tome 5000 U.I. {ES_AGE_HELP}")
    proc = _run("rules", "check", "--rules", rules_copy)
    assert proc.returncode == 1
    assert f"{path}:{_line(path, 'Tome 5000')}: questions.age_years.help: looks like a dose " \
        "or a diagnosis ('5000 U.I.')" in proc.stdout


@pytest.mark.slow  # a child process
def test_rules_check_names_the_field_of_an_amount_in_a_question_help(rules_copy):
    path = _replace(rules_copy / "questions.yaml", EN_AGE_HELP, f"{EN_AGE_HELP} Take 2 tablets.")
    proc = _run("rules", "check", "--rules", rules_copy)
    assert proc.returncode == 1
    assert f"{path}:{_line(path, 'Take 2 tablets')}: age_years: help: looks like a dose or a " \
        "diagnosis ('2 tablets')" in proc.stdout


# ------------------------------------------------------------ schema answers and demo

def test_schema_answers_refuses_a_question_help_with_an_amount(capsys, rules_copy):
    _replace(rules_copy / "questions.yaml", EN_AGE_HELP, f"{EN_AGE_HELP} Take 2 tablets.")
    assert main(["schema", "answers", "--rules", str(rules_copy)]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "refusing to show the answers schema" in err and "'2 tablets'" in err


@pytest.mark.slow  # a child process
def test_demo_refuses_a_translated_question_with_a_dose(rules_copy):
    _replace(rules_copy / ES, "text: ¿Cuántos años tiene?", "text: ¿Cuántos años tiene? Tome 5000 U.I.")
    proc = _run("demo", "healthy-adult", "--auto", "--speed", "0", "--plain", "--lang", "es",
                "--rules", rules_copy)
    assert proc.returncode == 3, proc.stdout[-2000:] + proc.stderr
    assert "refusing to show the demo output" in proc.stderr and "'5000 U.I.'" in proc.stderr
    assert "5000" not in proc.stdout
    assert "Cuántos años" not in proc.stdout  # the screen with it was never shown


def test_the_guarded_writer_passes_safe_text_and_delegates(capsys):
    import io

    from screener.errors import SafetyError
    from screener.safety import GuardedWriter

    buffer = io.StringIO()
    out = GuardedWriter(buffer, "the test")
    out.write("Ask a clinician.\n")
    out.flush()
    assert buffer.getvalue() == "Ask a clinician.\n" and out.isatty() is False
    with pytest.raises(SafetyError):
        out.write("take 400 IU\n")
    assert buffer.getvalue() == "Ask a clinician.\n"
