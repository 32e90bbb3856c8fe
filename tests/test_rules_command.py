"""`screener rules check|test|show|graph|compile` as a reviewer runs them, the coverage of
the shipped examples, and the golden compiled ruleset."""

import difflib
import json

import pytest
from conftest import FIXED_DAY, ROOT
from test_cli import run
from test_rules_errors import break_file

from screener.authoring.ruletest import run_all
from screener.commands.rules import compiled_json

GOLDEN = ROOT / "tests" / "golden" / "compiled_ruleset.json"
VIGNETTES = ROOT / "tests" / "vignettes"
REGENERATE = "screener rules compile -o tests/golden/compiled_ruleset.json --force"


# ------------------------------------------------------------------ project checks

def test_examples_and_vignettes_pass_with_full_coverage(ruleset):
    report = run_all(ruleset, VIGNETTES, today=FIXED_DAY)
    assert [(c.name, c.problems) for c in report.failed] == []
    cov = report.coverage
    assert cov.rules_missed == [], f"rules that no example or vignette fires: {cov.rules_missed}"
    assert (cov.triage_missed, cov.factors_missed, cov.notes_missed) == ([], [], [])
    assert report.ok
    assert len(report.cases) == sum(len(r.examples) for r in ruleset.rules) + len(list(VIGNETTES.glob("*.json")))


def test_golden_compiled_ruleset_is_current(ruleset):
    expected, actual = GOLDEN.read_text(), compiled_json(ruleset)
    if actual != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(True), actual.splitlines(True), "golden", "now"))[:40])
        pytest.fail(f"the compiled rules changed. If that is intended, run\n  {REGENERATE}\n"
                    f"and commit the file so reviewers see the change:\n{diff}")


# ------------------------------------------------------------------------ check

@pytest.mark.slow  # a child process
def test_check_shipped_rules():
    proc = run("rules", "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("rules: screener-nutrition ") and "no findings" in proc.stdout


@pytest.mark.slow  # a child process
def test_check_broken_folder_one_line_per_finding(rules_copy):
    break_file(rules_copy, "vitamin_d.yaml", 'skin_covered_outdoors: "yes"}', 'skin_covered_outdoors: "yess"}')
    break_file(rules_copy, "potassium.yaml", "reason: It can lower potassium through the kidneys and a poorer diet.",
               'reason: "TODO"')
    proc = run("rules", "--rules", str(rules_copy), "check")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith(str(rules_copy)) for line in lines)
    assert "K-ALCOHOL: reason: missing or too short" in lines[0]  # by file, then line
    assert "VD-COVER: when: 'skin_covered_outdoors' has no code 'yess' (did you mean 'yes'?)" in lines[1]
    assert proc.stderr == f"2 findings in {rules_copy}\n"


@pytest.mark.slow  # a child process
def test_check_structural_error_exit_1_without_traceback(rules_copy):
    break_file(rules_copy, "questions.yaml", "type: int", "type: integer")
    proc = run("rules", "check", "--rules", str(rules_copy))  # --rules after the action works too
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "age_years: type must be one of: int, choice, multi or date, not 'integer'" in proc.stdout


@pytest.mark.slow  # a child process
def test_check_not_a_rules_folder_exit_2(tmp_path):
    proc = run("rules", "check", "--rules", str(tmp_path))
    assert proc.returncode == 2 and "no ruleset.yaml" in proc.stderr


# ------------------------------------------------------------------------- test

@pytest.mark.slow  # a child process
def test_test_with_vignettes_prints_cases_and_coverage(ruleset):
    proc = run("rules", "test", "tests/vignettes", "--today", "2025-06-15")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "PASS  VD-SUN example 1 (fires)" in proc.stdout
    assert "PASS  tests/vignettes/healthy-adult.json" in proc.stdout
    # every rule fired by some example or vignette. v3 (ruleset 3.0.0) adds the derived
    # facts, guards, triage rules and notes of spec 3-6 (173 rules, and more as the v3
    # amendments land), so the count is the shipped ruleset's
    total = len(ruleset.rules)
    assert f"rules fired:           {total}/{total} (100%)" in proc.stdout
    assert proc.stdout.rstrip().endswith("RESULT: PASS")


@pytest.mark.slow  # a child process
def test_test_with_the_python_engine_prints_the_same(ruleset):
    """--engine python is the cross-check: every case and the coverage come out the same
    as with durable-rules (the default)."""
    args = ("rules", "test", "tests/vignettes", "--today", "2025-06-15")
    durable, python = run(*args, "--engine", "durable"), run(*args, "--engine", "python")
    assert python.returncode == durable.returncode == 0, python.stdout[-2000:]
    assert python.stdout == durable.stdout == run(*args).stdout
    total = len(ruleset.rules)  # v3: 173 rules and more (see above)
    assert f"rules fired:           {total}/{total} (100%)" in python.stdout


def test_test_help_explains_the_engine_choice():
    proc = run("rules", "test", "--help")
    text = " ".join(proc.stdout.split())
    assert "--engine {durable,python}" in text
    assert "python is the cross-check" in text
    assert "if durable-rules stops building" in text


@pytest.mark.slow  # a child process
def test_test_failing_example_and_vignette_exit_1(rules_copy, tmp_path):
    break_file(rules_copy, "potassium.yaml", '{answers: {heavy_sweating: "regularly"}, expect: fires}',
               '{answers: {heavy_sweating: "sometimes"}, expect: fires}')
    case = json.loads((VIGNETTES / "healthy-adult.json").read_text())
    case["expect"]["triage"] = "urgent"
    (tmp_path / "v").mkdir()
    (tmp_path / "v" / "wrong.json").write_text(json.dumps(case))
    proc = run("rules", "--rules", str(rules_copy), "test", str(tmp_path / "v"), "-q")
    assert proc.returncode == 1
    assert "FAIL  K-SWEAT example 1 (fires)\n      expected K-SWEAT to fire;" in proc.stdout
    assert "FAIL  " + str(tmp_path / "v" / "wrong.json") + "\n      triage: expected urgent, got self_care" in proc.stdout
    assert "PASS" not in proc.stdout.split("cases (")[0]  # -q: failures only
    assert "RESULT: FAIL" in proc.stdout


@pytest.mark.slow  # a child process
def test_test_reports_a_rule_nothing_fires(rules_copy, ruleset):
    break_file(rules_copy, "magnesium.yaml", '{answers: {medicines: ["calcineurin_inhibitor"]}, expect: fires}',
               '{answers: {medicines: ["none"]}, expect: silent}')
    # v3: nerve_risk (spec 3) has a calcineurin inhibitor example too (D-NERVE-RISK),
    # which runs the whole ruleset and so fires MG-MEDS: take that one away as well
    break_file(rules_copy, "derived.yaml", '{answers: {medicines: ["calcineurin_inhibitor"]}, expect: fires}',
               '{answers: {medicines: ["none"]}, expect: silent}')
    proc = run("rules", "--rules", str(rules_copy), "test", "-q")
    assert proc.returncode == 1  # every case passed, but MG-MEDS is untested
    # v3: 722 rule examples and 173 rules in ruleset 3.0.0, more as the amendments land
    examples, total = sum(len(r.examples) for r in ruleset.rules), len(ruleset.rules)
    assert f"{examples} passed, 0 failed" in proc.stdout
    assert f"rules fired:           {total - 1}/{total} (99%)\n    never: MG-MEDS" in proc.stdout


# ------------------------------------------------------------------ show and graph

@pytest.mark.slow  # a child process
def test_show_rule_card():
    proc = run("rules", "show", "VD-SUN")
    assert proc.returncode == 0
    out = proc.stdout
    assert out.startswith("VD-SUN: Little time in daylight\n  kind: indicator · layer 1")
    assert 'outdoor_daylight is "Less than 15 minutes" (under_15_min)' in out
    assert "counts as one indicator of vitamin_d (Possible low vitamin D)" in out
    assert "Holick MF, Binkley NC" in out and "https://doi.org/10.1210/jc.2011-0385" in out
    assert "1. FIRES when outdoor_daylight=under_15_min" in out


@pytest.mark.slow  # a child process
def test_show_factor_and_unknown_rule():
    proc = run("rules", "show", "--factor", "vitamin_d")
    assert proc.returncode == 0 and proc.stdout.startswith("FACTOR vitamin_d: Possible low vitamin D")
    assert proc.stdout.count("\nVD-") >= 10  # a card for each of its rules
    bad = run("rules", "show", "VD-SUNN")
    assert bad.returncode == 2 and "no rule 'VD-SUNN' (did you mean 'VD-SUN'?)" in bad.stderr


@pytest.mark.slow  # a child process
@pytest.mark.parametrize("fmt, start, edge", [
    ("text", "answers -> facts", "  D-OLDER-ADULT [derived]: age_years -> fact older_adult"),
    ("mermaid", "flowchart LR", "  answer_age_years --> rule_D_OLDER_ADULT"),
    ("dot", "digraph screener {", '  "rule:VD-AGE" -> "factor:vitamin_d";'),
])
def test_graph_formats(fmt, start, edge):
    proc = run("rules", "graph", "--format", fmt)
    assert proc.returncode == 0
    assert proc.stdout.startswith(start) and edge in proc.stdout.splitlines()


# ------------------------------------------------------------------------- compile

@pytest.mark.slow  # a child process
def test_compile_writes_golden_form_and_never_overwrites_without_force(tmp_path):
    target = tmp_path / "compiled.json"
    assert run("rules", "compile", "-o", str(target)).returncode == 0
    assert target.read_text() == GOLDEN.read_text()
    again = run("rules", "compile", "-o", str(target))
    assert again.returncode == 2 and "--force" in again.stderr
    assert run("rules", "compile", "-o", str(target), "--force").returncode == 0


def test_vignette_example_in_rules_readme_passes(ruleset, tmp_path):
    """The vignette shown in rules/README.md is a real, passing vignette."""
    import re

    readme = (ROOT / "rules" / "README.md").read_text()
    block = re.search(r"```json\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "readme.json").write_text(block)
    report = run_all(ruleset, tmp_path, today=FIXED_DAY)
    assert [(c.name, c.problems) for c in report.failed] == []


@pytest.mark.slow  # a child process
def test_compile_never_writes_over_a_rules_file(tmp_path):
    import shutil
    import subprocess
    import sys

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    before = (rules / "questions.yaml").read_text()
    proc = subprocess.run([sys.executable, "-m", "screener", "rules", "compile", "--rules",
                           str(rules), "-o", str(rules / "questions.yaml"), "--force"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "a file the command reads" in proc.stderr
    assert (rules / "questions.yaml").read_text() == before
