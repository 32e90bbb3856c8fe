"""`screener report` and `screener questionnaire --fhir` as a user runs them."""

import json
import stat
import subprocess
import sys

import pytest
from conftest import ROOT
from report_helpers import pdf_text

pytestmark = pytest.mark.slow  # every test starts the command in a child process

ANSWERS = ROOT / "tests" / "vignettes" / "office-worker-winter.json"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(json.loads(ANSWERS.read_text())["answers"]))
    return str(path)


@pytest.mark.parametrize("name,marker", [
    ("summary.md", "# Nutrition screening summary"), ("summary.html", "<!DOCTYPE html>"),
    ("summary.json", '"schema_version"'), ("summary.fhir.json", '"resourceType": "Bundle"'),
    ("summary.pdf", None)])
def test_format_from_extension_written_private(tmp_path, answers, name, marker):
    out = tmp_path / name
    proc = run("report", answers, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if marker:
        assert out.read_text().lstrip().startswith(marker) or marker in out.read_text()
    else:
        assert "Possible low vitamin D" in pdf_text(out.read_bytes())
    assert proc.stdout == "" and f"wrote {out}" in proc.stderr


def test_refuses_to_overwrite_without_force(tmp_path, answers):
    out = tmp_path / "summary.md"
    out.write_text("my own notes")
    proc = run("report", answers, "-o", str(out))
    assert proc.returncode == 2
    assert "already exists" in proc.stderr and "--force" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert out.read_text() == "my own notes"
    proc = run("report", answers, "-o", str(out), "--force")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("# Nutrition screening summary")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


@pytest.mark.parametrize("how", ["same name", "symlink", "hard link"])
def test_never_writes_over_the_answers_it_reads_even_with_force(tmp_path, answers, how):
    """--force replaces an old output, never the answers file the report is made from
    (a red-team run replaced a person's answers with their JSON result)."""
    import os

    out = {"same name": answers, "symlink": str(tmp_path / "link.json"),
           "hard link": str(tmp_path / "hard.json")}[how]
    if how == "symlink":
        os.symlink(answers, out)
    elif how == "hard link":
        os.link(answers, out)
    before = open(answers).read()
    proc = run("report", answers, "-o", out, "--force", "--format", "json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "a file the command reads" in proc.stderr and "nothing was written" in proc.stderr
    assert open(answers).read() == before


def test_format_option_wins_over_extension(tmp_path, answers):
    out = tmp_path / "summary.txt"
    proc = run("report", answers, "-o", str(out), "--format", "html", "--view", "clinician")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("<!DOCTYPE html>") and "VD-SUN" in out.read_text()


def test_fhir_format_option(tmp_path, answers):
    out = tmp_path / "bundle.json"
    assert run("report", answers, "-o", str(out), "--format", "fhir").returncode == 0
    assert json.loads(out.read_text())["resourceType"] == "Bundle"


def test_unknown_format_lists_the_valid_ones(tmp_path, answers):
    proc = run("report", answers, "--format", "docx")
    assert proc.returncode == 2
    assert "unknown format 'docx'" in proc.stderr and "md, html, pdf, json, fhir" in proc.stderr
    proc = run("report", answers, "-o", str(tmp_path / "x.docx"))
    assert proc.returncode == 2 and "md, html, pdf, json, fhir" in proc.stderr
    assert not (tmp_path / "x.docx").exists()


def test_text_formats_go_to_stdout_and_pdf_needs_a_file(answers):
    proc = run("report", answers, "--format", "md")
    assert proc.returncode == 0 and proc.stdout.startswith("# Nutrition screening summary")
    proc = run("report", answers, "--format", "pdf")
    assert proc.returncode == 2 and "-o FILE" in proc.stderr
    proc = run("report", answers)
    assert proc.returncode == 2 and "--format" in proc.stderr


def test_letter_paper(tmp_path, answers):
    out = tmp_path / "s.pdf"
    assert run("report", answers, "-o", str(out), "--paper", "letter").returncode == 0
    from pypdf import PdfReader

    box = PdfReader(str(out)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_bad_answers_exit_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"age_years": 500}')
    proc = run("report", str(bad), "-o", str(tmp_path / "s.md"))
    assert proc.returncode == 2 and "age_years" in proc.stderr
    assert not (tmp_path / "s.md").exists()


def test_questionnaire_export(tmp_path):
    out = tmp_path / "questionnaire.json"
    proc = run("questionnaire", "--fhir", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = json.loads(out.read_text())
    assert data["resourceType"] == "Questionnaire"
    proc = run("questionnaire", "--fhir", "-o", str(out))
    assert proc.returncode == 2 and "already exists" in proc.stderr
    stdout = run("questionnaire", "--fhir")
    assert json.loads(stdout.stdout) == data


def test_report_help_stays_light():
    code = ("import sys; from screener.cli import main\n"
            "try:\n    main(['report', '--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('pydantic', 'jinja2', 'reportlab', 'fhir', 'durable')"
            " if m in sys.modules]\n"
            "print(heavy, file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.strip() == "[]"
    assert "--paper" in proc.stdout
