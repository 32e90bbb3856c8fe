"""The hazard log (rules/hazards.yaml) and the safety case report (issue 24).

`rules check` proves every control names something real, every urgent or same-day rule
controls a hazard, and no residual risk is above the acceptable band; the safety case
renders in Markdown (golden), HTML and PDF, through the dose and diagnosis guard."""

import shutil
from pathlib import Path

import pytest
from report_helpers import pdf_text

from screener.authoring.hazards import RATINGS, check_hazards, load_log
from screener.authoring.lint import lint_folder
from screener.authoring.safety_case import build, render, run_tests
from screener.errors import SafetyError
from screener.ruleset.loading import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
GOLDEN = Path(__file__).parent / "golden" / "safety_case.md"


@pytest.fixture
def copy(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    return folder


def hazard_findings(folder) -> list[str]:
    load_ruleset.cache_clear()
    return [f.text for f in lint_folder(folder) if f.check == "hazard-log"]


def test_shipped_log_is_complete(ruleset):
    log = load_log(ruleset)
    assert log is not None and len(log.hazards) >= 11
    assert list(check_hazards(ruleset, log, ROOT)) == []
    covered = {c.ref for h in log.hazards for c in h.controls if c.kind == "rule"}
    assert {r.id for r in ruleset.rules if r.kind == "triage"
            and r.level in ("urgent", "same_day")} <= covered
    band = log.matrix.acceptable_at_most
    for hazard in log.hazards:  # above the band only one step, and only with a reason
        assert hazard.after.rating <= band or (
            hazard.after.rating == band + 1 and hazard.residual_accepted.strip()), hazard.id
        assert hazard.after.rating <= hazard.before.rating, hazard.id


def test_the_matrix_is_dcb0129s():
    assert RATINGS["very_low"][0] == 1 and RATINGS["very_high"][4] == 5
    assert RATINGS["medium"] == (2, 2, 3, 3, 4)


def test_removing_a_rule_a_hazard_names_fails_with_the_hazard(copy, ruleset):
    log = load_log(ruleset)
    hazard = next(h for h in log.hazards
                  if any(c.kind == "rule" and c.ref == "TR-URGENT-WERNICKE" for c in h.controls))
    triage = copy / "red_flags_triage.yaml"
    text = triage.read_text(encoding="utf-8")
    triage.write_text(text.replace("id: TR-URGENT-WERNICKE\n", "id: TR-URGENT-WERNICKE-OLD\n"),
                      encoding="utf-8")
    found = hazard_findings(copy)
    assert any(f"{hazard.id}: control rule 'TR-URGENT-WERNICKE': no such rule" in f
               for f in found), found
    # and the renamed rule sets urgent without a hazard naming it
    assert any("TR-URGENT-WERNICKE-OLD: sets 'urgent' but no hazard" in f for f in found)


def test_residual_above_the_band_and_no_controls_are_findings(copy):
    import yaml

    path = copy / "hazards.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first, second = data["hazards"][0], data["hazards"][1]
    first["after"] = {"severity": "catastrophic", "likelihood": "high"}
    kept = second["controls"]
    second["controls"] = []
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    found = hazard_findings(copy)
    assert any(f"{first['id']}: residual risk 5 (unacceptable) is above" in f for f in found)
    assert any(f"{second['id']}: no controls" in f for f in found)
    assert kept  # the shipped hazard had controls


def test_a_control_naming_a_missing_test_or_section_is_a_finding(copy):
    path = copy / "hazards.yaml"
    text = path.read_text(encoding="utf-8")
    test_ref = next(line.split("ref:", 1)[1].split(",")[0].strip().strip('"')
                    for line in text.splitlines() if "kind: test" in line)
    path.write_text(text.replace(test_ref, test_ref + "_gone", 1), encoding="utf-8")
    found = hazard_findings(copy)
    assert any(f"'{test_ref}_gone': no such test in that file" in f for f in found), found


def test_safety_case_markdown_is_golden(ruleset):
    text = render(build(ruleset, load_log(ruleset)), "md")
    if not GOLDEN.exists() or GOLDEN.read_text(encoding="utf-8") != text:
        pytest.fail("the safety case changed: review it, then run\n"
                    "  screener rules safety-case -o tests/golden/safety_case.md --force")


def test_safety_case_renders_in_html_and_pdf(ruleset):
    log = load_log(ruleset)
    case = build(ruleset, log)
    html = render(case, "html")
    pdf = render(case, "pdf")
    assert html.startswith("<!DOCTYPE html>") and pdf.startswith(b"%PDF")
    words = " ".join(pdf_text(pdf).split())
    for hazard in log.hazards:
        assert f'id="{hazard.id}"' in html
        assert hazard.id in words
    assert "3.0.0" in words and "Open issues and limits" in words


def test_the_dose_guard_runs_over_the_report(ruleset):
    case = build(ruleset, load_log(ruleset))
    case.hazards[0].controls[0].how = "take 50 mg a day"
    for fmt in ("md", "html", "pdf"):
        with pytest.raises(SafetyError):
            render(case, fmt)


@pytest.mark.slow  # runs pytest in a child process
def test_run_tests_reports_each_named_test(ruleset):
    log = load_log(ruleset).model_copy(deep=True)
    kept = log.hazards[0].model_copy(update={"controls": [
        c for c in log.hazards[0].controls if c.kind != "test"] + [
        log.hazards[0].controls[0].model_copy(update={
            "kind": "test", "ref": "tests/test_safety_case.py::test_the_matrix_is_dcb0129s"})]})
    log = log.model_copy(update={"hazards": [kept]})
    results = run_tests(log, ROOT)
    assert results == {"tests/test_safety_case.py::test_the_matrix_is_dcb0129s": True}
    case = build(ruleset, log, results)
    assert case.tests_run_on and not case.tests_failed
    assert "(test passed)" in render(case, "md")
