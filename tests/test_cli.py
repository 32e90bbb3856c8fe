"""The command line as a user runs it: exit codes, stdout, stderr without tracebacks."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow  # every test starts the command in a child process

HEALTHY = ROOT / "tests" / "vignettes" / "healthy-adult.json"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True,
                          text=True, input=stdin, cwd=ROOT, timeout=60)


@pytest.fixture
def answers_file(tmp_path):
    def make(answers):
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(answers))
        return str(path)
    return make


def test_screen_text_person(answers_file):
    path = answers_file({"red_flags_now": ["none"], "age_years": 70, "housebound": "yes"})
    proc = run("screen", path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("RESULT: DISCUSS WITH A CLINICIAN AT A ROUTINE APPOINTMENT")
    assert "Possible low vitamin D" in proc.stdout and "VD-SUN" not in proc.stdout


def test_screen_clinician_view_shows_trail(answers_file):
    path = answers_file({"age_years": 70, "housebound": "yes"})
    proc = run("screen", path, "--view", "clinician")
    assert proc.returncode == 0
    assert "[VD-SUN]" in proc.stdout and "Sources: ods-vitd" in proc.stdout
    assert "Rules fired:" in proc.stdout


def test_screen_json_contract(answers_file):
    path = answers_file({"age_years": 70, "housebound": "yes", "screened_on": "2025-01-05"})
    proc = run("screen", path, "--format", "json")
    data = json.loads(proc.stdout)
    assert data["triage"] == "routine"
    factor = data["factors"][0]
    assert {"id", "label", "strength", "indicators", "consistent_symptoms"} <= set(factor)
    assert {"rule", "answers", "reason", "sources"} <= set(factor["indicators"][0])
    assert {t["rule"] for t in data["triggered_by"]} == {"TR-ROUTINE", "TR-ROUTINE-INCOMPLETE"}
    assert data["complete"] is False and data["completeness"]["missing"] > 30
    assert {"notes", "unanswered", "ruleset"} <= set(data)
    assert set(data["ruleset"]) == {"name", "version", "hash"} and len(data["ruleset"]["hash"]) == 64
    assert run("screen", path, "--format", "json").stdout == proc.stdout  # byte-identical


def test_urgent_person_view_shows_only_urgent(answers_file):
    path = answers_file({"red_flags_now": ["seizure"], "housebound": "yes"})
    proc = run("screen", path)
    assert proc.returncode == 0
    assert "GET URGENT MEDICAL CARE NOW" in proc.stdout
    assert "Possible low vitamin D" not in proc.stdout
    clinician = run("screen", path, "--view", "clinician").stdout
    assert "Possible low vitamin D" in clinician


def test_stdin(tmp_path):
    proc = run("screen", "-", stdin=json.dumps({"age_years": 30}))
    assert proc.returncode == 0 and "RESULT:" in proc.stdout


@pytest.mark.parametrize("content, fragment", [
    ('{"age_years": 300}', "age_years"),
    ('{"age_years": 30,', "not valid JSON"),
    ('{"favourite_food": "x"}', "unknown question id 'favourite_food'"),
])
def test_bad_input_exit_2_without_traceback(tmp_path, content, fragment):
    path = tmp_path / "bad.json"
    path.write_text(content)
    proc = run("screen", str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert fragment in proc.stderr and str(path) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_rules_folder_exit_2(tmp_path):
    proc = run("screen", str(HEALTHY), "--rules", str(tmp_path))
    assert proc.returncode == 2 and "no ruleset.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("which", ["answers", "result"])
def test_schema(which):
    proc = run("schema", which)
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "properties" in schema


def test_result_validates_against_published_schema(answers_file):
    import jsonschema

    proc = run("screen", answers_file({"age_years": 70, "housebound": "yes"}), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["factors"]  # a result with a factor, so the nested schemas are used
    jsonschema.validate(result, json.loads(run("schema", "result").stdout))


def test_no_command_runs_the_questionnaire():
    """`screener` alone is `screener run`: without a terminal it says what to do instead."""
    proc = run()
    assert proc.returncode == 2
    assert "screener screen ANSWERS.json" in proc.stderr and "Traceback" not in proc.stderr


def test_error_messages_pass_the_output_guard(answers_file):
    """Error messages are output people read: they must not look like a dose either."""
    from screener.safety import find_unsafe_text

    proc = run("screen", answers_file({"respondent_id": "400IU", "age_years": 400}))
    assert proc.returncode == 2
    assert find_unsafe_text(proc.stderr.replace("400IU", "")) is None, proc.stderr


def test_help_and_version_are_light():
    """--help must not import pydantic, durable or questionary (start-up speed)."""
    code = ("import sys; from screener.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pydantic', 'durable', 'questionary', 'yaml', 'screener.engine',\n"
            "                     'tempfile', 'typing') if m in sys.modules]\n"
            "print(heavy, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.strip() == "[]"
    assert "screen" in proc.stdout
    version = run("--version")
    assert version.stdout.startswith("screener ")


def test_rules_test_offers_every_engine():
    from screener.commands.rules import ENGINE_KINDS
    from screener.engine import KINDS

    assert ENGINE_KINDS == KINDS


@pytest.mark.parametrize("command", sorted(__import__("screener.cli").cli.COMMANDS))
def test_every_command_help_is_light(command):
    """`screener COMMAND --help` must not import the heavy libraries either."""
    code = ("import sys; from screener.cli import main\n"
            f"try:\n    main([{command!r}, '--help'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('pydantic', 'durable', 'questionary', 'prompt_toolkit', "
            "'jinja2', 'reportlab', 'fhir', 'yaml') if m in sys.modules], file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.strip() == "[]", proc.stderr
    assert f"screener {command}" in proc.stdout
    from screener.safety import find_unsafe_text

    assert find_unsafe_text(proc.stdout) is None  # help is output people read too
