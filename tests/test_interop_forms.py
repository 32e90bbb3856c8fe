"""Form definitions out: REDCap data dictionary, XLSForm (converted by pyxform), goldens
for every export, and skip logic that means what shown_if means."""

import csv
import io
import random
import re

import pytest
from conftest import ROOT

from screener.authoring.generate import answer_sets
from screener.interop import redcap, skip_logic, xlsform
from screener.red_flags import urgent_codes
from screener.ruleset import conditions

GOLDEN = ROOT / "tests" / "golden" / "interop"


def test_goldens_are_current():
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from regenerate_golden_interop import golden_outputs

    for name, text in golden_outputs().items():
        assert (GOLDEN / name).read_text(encoding="utf-8") == text, (
            f"{name} changed: review, then run scripts/regenerate_golden_interop.py")


# ------------------------------------------------------------------------- REDCap

@pytest.fixture(scope="module")
def dictionary(ruleset):
    text, problems = redcap.render_dictionary(ruleset)
    assert problems == []
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == redcap.HEADER
    return {r["Variable / Field Name"]: r for r in rows}


def test_dictionary_fields(ruleset, dictionary):
    names = list(dictionary)
    assert names[0] == "record_id"
    assert [n for n in names if n in ruleset.questions.by_id] == [q.id for q in ruleset.questions]
    for name in names:  # REDCap's rule for variable names
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name) and len(name) <= 26  # REDCap warns past 26
    for section in ruleset.questions.sections:  # one instrument per section
        assert {dictionary[q.id]["Form Name"] for q in section.questions} == {section.id}
    for q in ruleset.questions:
        row = dictionary[q.id]
        kind = {"choice": "radio", "multi": "checkbox", "int": "text", "date": "text"}[q.type]
        assert row["Field Type"] == kind and row["Field Label"] == q.text
        if q.type in ("choice", "multi"):
            pairs = [p.split(", ", 1) for p in row["Choices, Calculations, OR Slider Labels"].split(" | ")]
            assert pairs == [[c, q.label(c)] for c in q.codes]
        if q.type == "multi":
            assert row["Field Annotation"] == "@NONEOFTHEABOVE='none,not_sure'"
        if q.type == "int":
            assert (row["Text Validation Type OR Show Slider Number"], row["Text Validation Min"],
                    row["Text Validation Max"]) == ("integer", str(q.min), str(q.max))
        if q.type == "date":
            assert row["Text Validation Type OR Show Slider Number"] == "date_ymd"
    assert dictionary["screened_on"]["Field Annotation"] == "@TODAY"
    assert dictionary["red_flags_now"]["Required Field?"] == "y"


def test_dictionary_urgent_advice_shows_on_every_urgent_answer(ruleset, dictionary):
    for qid, codes in urgent_codes(ruleset).items():
        row = dictionary[f"{qid}_urgent"]
        assert row["Field Type"] == "descriptive" and "emergency" in row["Field Label"]
        logic = row["Branching Logic (Show field only if...)"]
        for code in codes:
            assert f"({code})] = '1'" in logic or f"[{qid}] = '{code}'" in logic


# ------------------------------------------------------------------------ XLSForm

def test_xlsform_converts_with_pyxform(ruleset, tmp_path):
    # the test extra installs pyxform; a venv made before it was added skips, not fails
    convert = pytest.importorskip("pyxform.xls2xform").convert

    data, problems = xlsform.render_xlsx(ruleset)
    assert problems == []
    path = tmp_path / "form.xlsx"
    path.write_bytes(data)
    result = convert(xlsform=str(path))
    assert result.warnings == []
    xml = result.xform
    assert 'id="screener_nutrition"' in xml and 'version="3.0.0"' in xml
    for q in ruleset.questions:  # every question is a field of the XForm
        assert f"/{q.id}\"" in xml
    assert '<medicines_section>' in xml and '<medicines/>' in xml  # no clash
    assert 'value="today()"' in xml  # the screening date starts as today


def test_xlsform_sheets(ruleset):
    book, _ = xlsform.sheets(ruleset)
    survey = [dict(zip(book["survey"][0], r, strict=True)) for r in book["survey"][1:]]
    by_name = {r["name"]: r for r in survey if r["type"] != "end_group"}
    groups = [r["name"] for r in survey if r["type"] == "begin_group"]
    assert not set(groups) & set(ruleset.questions.by_id)
    for q in ruleset.questions:
        row = by_name[q.id]
        if q.type == "int":
            assert row["constraint"] == f". >= {q.min} and . <= {q.max}"
        if q.type == "multi":
            assert "count-selected(.) > 1" in row["constraint"]
    choices = book["choices"][1:]
    for q in ruleset.questions:
        if q.type in ("choice", "multi"):
            assert [c[1] for c in choices if c[0] == q.id] == q.codes
    assert by_name["red_flags_now"]["required"] == "yes"
    assert book["settings"][1] == ["Nutrition screening questionnaire", "screener_nutrition",
                                   ruleset.version]


# ------------------------------------------------- skip logic keeps shown_if's meaning

def _python(expression: str, dialect) -> str:
    """A generated expression as Python (the two languages need only a few rewrites)."""
    if dialect is skip_logic.REDCAP:
        text = re.sub(r"\[(\w+)\((\w+)\)\]", r"TICK('\1','\2')", expression)
        text = re.sub(r"\[(\w+)\]", r"V('\1')", text).replace("<>", "!=")
    else:
        text = re.sub(r"selected\(\$\{(\w+)\}, '(\w+)'\)", r"SEL('\1','\2')", expression)
        text = re.sub(r"\$\{(\w+)\}", r"V('\1')", text).replace("not(", "not (")
    return re.sub(r"(?<![<>!=])=(?!=)", "==", text)


def _context(answers: dict, ruleset, dialect) -> dict:
    def value(qid):
        v = answers.get(qid)
        if v is None:
            return ""
        return " ".join(v) if isinstance(v, list) else v

    def ticked(qid, code):
        return "1" if code in (answers.get(qid) or []) else "0"

    return {"V": value, "TICK": ticked, "SEL": lambda q, c: c in (answers.get(q) or [])}


@pytest.mark.parametrize("dialect", [skip_logic.REDCAP, skip_logic.XLSFORM], ids=["redcap", "xlsform"])
def test_skip_logic_is_shown_unless_definitely_false(ruleset, dialect):
    rng = random.Random(11)
    questions = ruleset.questions.by_id
    samples = answer_sets(ruleset, 300, seed=5, skip_rate=0.3, not_sure_rate=0.2)
    checked = 0
    for answers in samples:
        for q in ruleset.questions:  # also blank out some answers the condition reads
            if q.shown_if is None:
                continue
            given = {k: v for k, v in answers.items() if rng.random() > 0.2}
            problems = []
            code = _python(skip_logic.shown_if(q, questions, dialect, problems), dialect)
            shown = eval(code, _context(given, ruleset, dialect))  # noqa: S307 (our own text)
            assert shown == (conditions.evaluate(q.shown_if, given) is not False), (q.id, given, code)
            checked += 1
    assert checked > 500 and not problems


def test_a_condition_on_a_derived_fact_is_reported_and_always_shown(ruleset):
    q = ruleset.questions.by_id["ppi_duration"].model_copy(
        update={"shown_if": conditions.parse({"older_adult": True})})
    problems = []
    assert skip_logic.shown_if(q, ruleset.questions.by_id, skip_logic.REDCAP, problems) == ""
    assert problems[0].startswith("ppi_duration: shown_if not exported (REDCap branching logic)")


# ------------------------------------------------------------------------ the command

def _run(*args, cwd=ROOT):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "screener", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.mark.slow  # starts the command in a child process
def test_questionnaire_command_writes_each_form_privately(tmp_path):
    import stat

    for flag, name, check in [("--redcap", "dictionary.csv", lambda p: p.read_text().startswith(
                                   "Variable / Field Name,Form Name")),
                              ("--xlsform", "form.xlsx", lambda p: p.read_bytes()[:2] == b"PK"),
                              ("--fhir", "q.json", lambda p: '"type": "choice"' in p.read_text())]:
        out = tmp_path / name
        proc = _run("questionnaire", flag, "-o", str(out))
        assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stderr
        assert stat.S_IMODE(out.stat().st_mode) == 0o600 and check(out)
        again = _run("questionnaire", flag, "-o", str(out))
        assert again.returncode == 2 and "already exists" in again.stderr
    assert _run("questionnaire", "--redcap").stdout == (tmp_path / "dictionary.csv").read_text()
    proc = _run("questionnaire", "--xlsform")
    assert proc.returncode == 2 and "-o FILE" in proc.stderr and not proc.stdout
    proc = _run("questionnaire", "--redcap", "--fhir-version", "R5")
    assert proc.returncode == 2 and "--fhir-version goes with --fhir" in proc.stderr
    r5 = _run("questionnaire", "--fhir", "--fhir-version", "R5")
    assert r5.returncode == 0 and '"answerConstraint": "optionsOnly"' in r5.stdout
