"""Red flags in rejected records are found whatever the separator and however the
column is spelled (issue 11's safety bug: 'fainting no_urine_8h' was missed)."""

import csv
import json

import pytest
from conftest import FIXED_DAY

from screener.batch import run_batch
from screener.red_flags import red_flags_in, urgent_codes


@pytest.mark.parametrize("cell", [
    "fainting no_urine_8h", "fainting;no_urine_8h", "fainting,no_urine_8h",
    "fainting|no_urine_8h", " Fainting  |  NO-URINE-8H ", "fainting, no_urine_8h none",
])
def test_any_separator(ruleset, cell):
    assert red_flags_in({"red_flags_now": cell}, ruleset) == [
        "red_flags_now=fainting", "red_flags_now=no_urine_8h"]


@pytest.mark.parametrize("column", [
    "red_flags_now", "Red flags now", "urgent-red_flags_now", "section_urgent-red_flags_now",
    "urgent/red_flags_now", "RED_FLAGS_NOW"])
def test_any_spelling_of_the_column(ruleset, column):
    assert red_flags_in({column: "chest_pain"}, ruleset) == ["red_flags_now=chest_pain"]


def test_checkbox_and_split_select_columns(ruleset):
    record = {"record_id": "7", "red_flags_now___chest_pain": "1",
              "red_flags_now___seizure": "0", "red_flags_now___none": "1",
              "urgent-red_flags_now/fainting": "1", "urgent-red_flags_now/confusion": "0",
              "palpitations": "with_chest_pain_or_fainting"}
    assert red_flags_in(record, ruleset) == [
        "red_flags_now=chest_pain", "red_flags_now=fainting",
        "palpitations=with_chest_pain_or_fainting"]
    assert red_flags_in({"red_flags_now___chest_pain": "Checked"}, ruleset) == [
        "red_flags_now=chest_pain"]
    assert red_flags_in({"red_flags_now___chest_pain": "Unchecked"}, ruleset) == []


def test_labels_and_multi_word_codes_are_not_broken_by_space_splitting(ruleset):
    assert red_flags_in({"muscle_weakness": "Severe or worsening"}, ruleset) == [
        "muscle_weakness=severe_or_worsening"]
    assert red_flags_in({"red_flags_now": "Chest pain; A seizure (fit)"}, ruleset) == [
        "red_flags_now=chest_pain", "red_flags_now=seizure"]
    assert red_flags_in({"red_flags_now": "none", "muscle_weakness": "mild"}, ruleset) == []


@pytest.mark.parametrize("record, want", [
    ({"red_flags_now": "chestpain"}, ["red_flags_now=chest_pain"]),
    ({"red_flags_now": "seizures"}, ["red_flags_now=seizure"]),
    ({"red_flags_now": ["chest\u0000pain"]}, ["red_flags_now=chest_pain"]),
    ({"red_flags_now": "chest pian"}, ["red_flags_now=chest_pain"]),
    ({"red_flag_now": ["chest_pain"]}, ["red_flags_now=chest_pain"]),  # misspelt key
    ({"red_flags_now___seizure": "1.0"}, ["red_flags_now=seizure"]),  # spreadsheet's 1
    ({"red_flags_now___seizure": "0.0"}, []),
    ({"red_flags_now": "nne"}, []),  # short words must match exactly
    ({"red_flags_now": "none", "age_years": "forty"}, []),
])
def test_near_misses_of_an_urgent_answer_count(ruleset, record, want):
    """A red-team run: a rejected record whose error said "did you mean 'chest_pain'?"
    was not flagged. The scan now reads what the error messages would have suggested:
    a false alarm costs a look, a missed red flag can cost a life."""
    assert red_flags_in(record, ruleset) == want


def test_every_urgent_code_is_found_in_every_shape(ruleset):
    for name, codes in urgent_codes(ruleset).items():
        for code in codes:
            want = [f"{name}={code}"]
            assert red_flags_in({name: f"none {code}"}, ruleset) == want
            assert red_flags_in({f"grp-{name}": code.upper()}, ruleset) == want
            assert red_flags_in({f"{name}___{code}": "1"}, ruleset) == want


def _errors(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_rejected_batch_records_with_space_separated_or_checkbox_flags_are_urgent(
        tmp_path, capsys):
    from screener.cli import main

    plain = tmp_path / "plain.csv"
    plain.write_text("respondent_id,age_years,red_flags_now\n"
                     "P1,200,fainting no_urine_8h\n"
                     "P2,40,none\n")
    assert main(["batch", str(plain), "-o", str(tmp_path / "p.csv"), "--today",
                 FIXED_DAY.isoformat()]) == 0
    err = capsys.readouterr().err
    assert "URGENT" in err and "row 1 (respondent_id P1)" in err
    (bad,) = _errors(tmp_path / "p.errors.csv")
    assert bad["urgent"] == "red_flags_now=fainting;red_flags_now=no_urine_8h"

    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"respondent_id": "J1", "age_years": "old",
                                 "red_flags_now___chest_pain": 1}) + "\n")
    summary = run_batch(jsonl, tmp_path / "j.jsonl", today=FIXED_DAY)
    assert summary.errors_urgent == 1
    (bad,) = [json.loads(line) for line in (tmp_path / "j.errors.jsonl").read_text().splitlines()]
    assert bad["urgent"] == ["red_flags_now=chest_pain"]


@pytest.mark.parametrize("record", [
    {"pregnancy": "pregnant", "vomiting_diarrhoea": "over_24h_ongoing",
     "urine_colour": "Dark yellow", "age_years": "abc"},
    '{"pregnancy": "pregnant", "vomiting_diarrhoea": "over_24h_ongoing", '
    '"urine_colour": "dark_yellow", "age_years": 1e999999',  # broken JSON: searched as text
])
def test_a_combined_urgent_rule_is_found_in_a_rejected_record(ruleset, record):
    """TR-URGENT-HYPEREMESIS needs three answers together: a record rejected for an
    unrelated field still reports them (each part alone is not urgent)."""
    assert red_flags_in(record, ruleset) == [
        "pregnancy=pregnant", "vomiting_diarrhoea=over_24h_ongoing", "urine_colour=dark_yellow"]
    assert red_flags_in({"pregnancy": "pregnant", "urine_colour": "dark_yellow",
                         "vomiting_diarrhoea": "in_last_week", "age_years": "abc"}, ruleset) == []


def test_a_rejected_batch_record_with_a_combined_urgent_rule_is_urgent(tmp_path):
    plain = tmp_path / "in.csv"
    plain.write_text("respondent_id,age_years,pregnancy,vomiting_diarrhoea,dizzy_on_standing\n"
                     "P1,thirty,pregnant,over_24h_ongoing,persistent\n")
    summary = run_batch(plain, tmp_path / "out.csv", today=FIXED_DAY)
    assert summary.errors_urgent == 1
    (bad,) = _errors(tmp_path / "out.errors.csv")
    assert bad["urgent"] == ("pregnancy=pregnant;vomiting_diarrhoea=over_24h_ongoing;"
                             "dizzy_on_standing=persistent")


@pytest.mark.slow  # a child process
@pytest.mark.parametrize("header", [
    "respondent_id,red_flags_now,agee_years",  # an unknown column refuses the file
    "respondent_id,red_flags_now,red_flags_now",  # so does a repeated one
])
def test_a_file_refused_as_a_whole_still_names_its_red_flags(tmp_path, header):
    """A red-team run: a CSV refused for its header screened nobody and said nothing of
    the chest pain in it. The refusal now names every row with a red flag (the CLI
    prints them as URGENT), a repeated column read with both its cells."""
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "in.csv"
    path.write_text(f"{header}\nA1,none,chest_pain\nA2,none,40\nA3,fainting seizure,none\n")
    proc = subprocess.run([sys.executable, "-m", "screener", "batch", str(path), "-o",
                           str(tmp_path / "out.csv")], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    urgent = proc.stderr.split("screener: URGENT: ", 1)[1]
    assert "check these people now" in urgent
    lines = [line.strip() for line in urgent.splitlines()[1:]]
    if "agee" in header:  # the third column is not a red-flag column
        assert lines == ["row 3 (respondent_id A3): red_flags_now=fainting, "
                         "red_flags_now=seizure"]
    else:
        assert lines == ["row 1 (respondent_id A1): red_flags_now=chest_pain",
                         "row 3 (respondent_id A3): red_flags_now=fainting, "
                         "red_flags_now=seizure"]
    assert not (tmp_path / "out.csv").exists()


def test_a_column_named_for_another_question_is_never_a_near_miss(ruleset):
    """Near-misses are for misspellings: every question id of the bank is itself, so
    ppi_duration (close to palpitations by spelling) is never read as palpitations."""
    from screener.red_flags import scanner

    scan = scanner(ruleset)
    assert [q.id for q in ruleset.questions if scan._question(q.id) not in (None, q.id)] == []
    assert red_flags_in({"ppi_duration": "with_chest_pain_or_fainting"}, ruleset) == []
