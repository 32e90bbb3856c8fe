"""A red flag is never lost, whatever the input: survey exports and CSV or JSONL files as
spreadsheets and survey tools really hand them over, through the real `screener batch`
command (``screener.cli.main``, in this process) and the real engine.

One reading funnel serves every case: decode (UTF-16 with or without a BOM, UTF-8 with
or without one, any line end), cut (the delimiter sniffed among ``,`` ``;`` tab; a quote
running over a line end never swallows the records after it), map (a question given
twice, as a text column and as checkbox or split columns, is compared, never one copy
taken over the other), and the raw red-flag scan whatever those stages decide. Each case
asserts the output and errors files, the counts (output rows + error rows = the records
in the file, and the summary says so) and that the red flags are named.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import FIXED_DAY

from screener.batch import count_records
from screener.cli import main

HEADER = ["respondent_id", "age_years", "red_flags_now"]
NOTHING_URGENT = "screener: URGENT"


def _table(path: Path) -> list[dict]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _batch(capsys, tmp_path: Path, name: str, data: bytes, *args: str, out: str = "out.csv"):
    """Run `screener batch` on ``data`` written as ``name``: (exit code, stdout, stderr,
    output rows, error rows, summary) (rows and summary None when not written)."""
    source = tmp_path / name
    source.write_bytes(data)
    output = tmp_path / out
    summary = tmp_path / "summary.json"
    code = main(["batch", str(source), "-o", str(output), "--today", FIXED_DAY.isoformat(),
                 "--summary", str(summary), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    errors = output.with_name(output.stem + ".errors" + output.suffix)
    return (code, captured.out, captured.err,
            _table(output) if output.exists() else None,
            _table(errors) if errors.exists() else None,
            json.loads(summary.read_text()) if summary.exists() else None)


def _reconciles(out: str, summary: dict, rows: list, errors: list, records: int) -> None:
    """The counts are honest: the records in the file, each once, in one file or the
    other, and the terminal and the summary say the same."""
    assert len(rows) + len(errors) == records
    assert summary["input_records"] == records and summary["reconciles"]
    assert (summary["screened"], summary["errors"]) == (len(rows), len(errors))
    word = "record" if records == 1 else "records"
    assert out.startswith(f"{records} {word} = {len(rows)} screened + {len(errors)} with errors")


# ------------------------------------------------------ a question given twice (REDCap)

REDCAP_HEADER = ("record_id,redcap_event_name,red_flags_now,red_flags_now___chest_pain,"
                 "red_flags_now___seizure,red_flags_now___none,age_years,urgent_complete\n")


def test_redcap_text_column_disagreeing_with_its_checkboxes_is_an_error_row_naming_both(
        capsys, tmp_path):
    """The text column said 'none' and won over the ticked chest pain: the person was
    screened as if nothing was urgent. Now the two copies are compared: a disagreement
    is an error row naming every red flag in either copy; an agreement screens."""
    data = (REDCAP_HEADER
            + "17,arm_1,none,1,0,0,50,2\n"         # boxes: chest pain; text: none
            + "18,arm_1,seizure,0,0,1,50,2\n"      # text: seizure; boxes: none
            + "19,arm_1,none,0,0,1,50,2\n"         # the same answer twice: screens
            + "20,arm_1,,0,1,0,50,2\n")            # text blank, seizure ticked: disagree
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "redcap.csv", data.encode())
    assert code == 0
    assert "warning: redcap.csv: question 'red_flags_now' has a text column beside its " \
           "checkbox columns" in err
    _reconciles(out, summary, rows, errors, 4)
    assert [r["respondent_id"] for r in rows] == ["19"]
    assert [(e["row"], e["respondent_id"], e["field"]) for e in errors] == [
        ("1", "17", "red_flags_now"), ("2", "18", "red_flags_now"), ("4", "20", "red_flags_now")]
    assert "the copies disagree" in errors[0]["message"]
    assert errors[0]["urgent"] == "red_flags_now=chest_pain"
    assert errors[1]["urgent"] == "red_flags_now=seizure"
    assert errors[2]["urgent"] == "red_flags_now=seizure"
    assert summary["errors_with_red_flag"] == 3
    assert "row 1 (respondent_id 17): red_flags_now=chest_pain" in err


def test_redcap_copies_that_both_name_red_flags_name_every_one(capsys, tmp_path):
    data = REDCAP_HEADER + "21,arm_1,seizure,1,0,0,50,2\n"
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "redcap.csv", data.encode())
    assert code == 0
    _reconciles(out, summary, rows, errors, 1)
    assert errors[0]["urgent"] == "red_flags_now=seizure;red_flags_now=chest_pain"


# ------------------------------------------------- a question given twice (ODK Central)

ODK_HEADER = ("SubmissionDate,urgent_section-red_flags_now,urgent_section-red_flags_now/chest_pain,"
              "urgent_section-red_flags_now/none,about_you_section-age_years,KEY\n")


def test_odk_joined_column_disagreeing_with_its_split_columns_is_an_error_row(capsys, tmp_path):
    """ODK's joined column beside the split ones: compared record by record (no
    warning: Central can write both), a disagreement refused naming the red flags."""
    data = (ODK_HEADER
            + "2025-06-01T08:00:00Z,none,1,0,50,uuid:a\n"
            + "2025-06-01T08:00:00Z,chest_pain,1,0,50,uuid:b\n"
            + "2025-06-01T08:00:00Z,none,0,1,50,uuid:c\n")
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "odk.csv", data.encode())
    assert code == 0 and "as an ODK Central export" in err and "warning" not in err
    _reconciles(out, summary, rows, errors, 3)
    assert [(r["respondent_id"], r["triage"]) for r in rows][0] == ("uuid:b", "urgent")
    assert [r["respondent_id"] for r in rows] == ["uuid:b", "uuid:c"]
    [bad] = errors
    assert (bad["row"], bad["respondent_id"], bad["urgent"]) == ("1", "uuid:a",
                                                                 "red_flags_now=chest_pain")
    assert "column red_flags_now says 'none'" in bad["message"]
    assert "red_flags_now/<code> tick chest_pain" in bad["message"]


# ------------------------------------------------------------ encodings and dialects

def _rows(*records: tuple[str, ...], sep: str = ",", end: str = "\n") -> str:
    return "".join(sep.join(cells) + end for cells in [tuple(HEADER), *records])


PEOPLE = (("A", "50", "none"), ("B", "300", "chest_pain"), ("C", "61", "none"))


@pytest.mark.parametrize("name, data", [
    ("excel-unicode-text.csv", _rows(*PEOPLE, sep="\t", end="\r\n").encode("utf-16")),
    ("utf16-big-endian.csv", b"\xfe\xff" + _rows(*PEOPLE, sep="\t").encode("utf-16-be")),
    ("utf16-no-bom.csv", _rows(*PEOPLE, sep="\t").encode("utf-16-le")),
    ("old-mac.csv", _rows(*PEOPLE, end="\r").encode()),
    ("semicolons.csv", _rows(*PEOPLE, sep=";").encode()),
    ("tabs-with-bom.csv", b"\xef\xbb\xbf" + _rows(*PEOPLE, sep="\t", end="\r\n").encode()),
    ("semicolons-cr-utf16.csv", _rows(*PEOPLE, sep=";", end="\r").encode("utf-16")),
], ids=lambda v: v.removesuffix(".csv") if isinstance(v, str) else "")
def test_csv_encodings_and_dialects_screen_and_name_red_flags(capsys, tmp_path, name, data):
    """UTF-16 (Excel's "Unicode text", BOM either way or none), CR-only line ends, tab or
    ';' separators were refused as a whole without a word about the red flag of B."""
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, name, data)
    assert code == 0, err
    _reconciles(out, summary, rows, errors, 3)
    assert [r["respondent_id"] for r in rows] == ["A", "C"]
    assert [(e["row"], e["respondent_id"], e["field"], e["urgent"]) for e in errors] == [
        ("2", "B", "age_years", "red_flags_now=chest_pain")]
    assert "row 2 (respondent_id B): red_flags_now=chest_pain" in err
    assert count_records(tmp_path / name, "csv") == 3


def test_multi_answers_in_a_semicolon_file_stay_one_cell(capsys, tmp_path):
    data = b'respondent_id;age_years;red_flags_now\nA;40;"chest_pain;seizure"\n'
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "semi.csv", data)
    assert code == 0
    _reconciles(out, summary, rows, errors, 1)
    assert rows[0]["triage"] == "urgent"


@pytest.mark.parametrize("name, data", [
    ("utf16-unknown-column.csv",
     "respondent_id\tage_yaers\tred_flags_now\r\nA\t50\tseizure\r\n".encode("utf-16")),
    ("latin1-header.csv",
     "respondent_id,\xe2ge_years,red_flags_now\nA,50,seizure\n".encode("latin-1")),
], ids=["utf16-unknown-column", "latin1-header"])
def test_a_file_still_refused_names_its_red_flags(capsys, tmp_path, name, data):
    """Decoded and cut, but still refused as a whole: the refusal names the red flags
    (a header that cannot be decoded was refused without a word about them)."""
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, name, data)
    assert (code, out, rows, summary) == (2, "", None, None)
    assert err.startswith("screener: error: ")
    assert "screener: URGENT: nothing was screened, but these records report a red flag" in err
    assert "red_flags_now=seizure" in err


# --------------------------------------------------------- a stray quote (") in a cell

def test_a_stray_quote_never_swallows_the_records_after_it(capsys, tmp_path):
    """`"none` opened a quoted cell that ran on to C's own quote: 3 people were read as
    1 (B's chest pain and C's seizure inside A's cell), and the summary said the counts
    reconcile. Now every line the quote ran over is its own error row, with its own red
    flags, and the records after it screen."""
    data = (b'respondent_id,age_years,red_flags_now\n'
            b'Z,45,none\n'
            b'A,50,"none\n'
            b'B,50,chest_pain\n'
            b'\n'
            b'C,50,"seizure;none"\n'
            b'D,62,none\n')
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "quote.csv", data)
    assert code == 0
    _reconciles(out, summary, rows, errors, 5)
    assert [r["respondent_id"] for r in rows] == ["Z", "D"]  # D: after the quote closed
    assert [e["row"] for e in errors] == ["2", "3", "4"]
    assert all("quote" in e["message"] for e in errors)
    assert [e["urgent"] for e in errors] == [
        "", "red_flags_now=chest_pain", "red_flags_now=seizure"]
    assert summary["errors_with_red_flag"] == 2
    assert count_records(tmp_path / "quote.csv", "csv") == 5


def test_a_quote_left_open_on_the_last_line_is_an_error_row(capsys, tmp_path):
    data = b'respondent_id,age_years,red_flags_now\nA,50,none\nB,50,"chest_pain\n'
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "quote.csv", data)
    assert code == 0
    _reconciles(out, summary, rows, errors, 2)
    assert [(e["row"], e["urgent"]) for e in errors] == [("2", "red_flags_now=chest_pain")]
    assert "never closed" in errors[0]["message"]


def test_a_line_break_inside_one_quoted_cell_is_one_error_row(capsys, tmp_path):
    """A quoted cell over two lines that hold no record of their own is one record,
    refused (no answer of these formats holds a line break), its red flags named."""
    data = (b'respondent_id,age_years,red_flags_now\n'
            b'"A\nA",50,chest_pain\n'
            b'B,40,none\n')
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "break.csv", data)
    assert code == 0
    _reconciles(out, summary, rows, errors, 2)
    assert [(e["row"], e["urgent"]) for e in errors] == [("1", "red_flags_now=chest_pain")]
    assert "line break" in errors[0]["message"]


# ------------------------------------------------------------------------- JSONL

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_a_two_record_jsonl_file_counts_two_in_any_encoding(capsys, tmp_path, encoding):
    """UTF-16 JSONL was cut at byte 0x0a: three 'records' (a NUL left over), the first
    'not UTF-8', the seizure named on a record the file does not have."""
    text = (json.dumps({"respondent_id": "A", "age_years": 50, "red_flags_now": ["none"]})
            + "\r\n"
            + json.dumps({"respondent_id": "B", "age_years": 300,
                          "red_flags_now": ["seizure"]}) + "\r\n")
    code, out, err, rows, errors, summary = _batch(capsys, tmp_path, "in.jsonl",
                                                   text.encode(encoding), out="out.jsonl")
    assert code == 0
    _reconciles(out, summary, rows, errors, 2)
    assert [r["respondent_id"] for r in rows] == ["A"]
    assert [(e["row"], e["respondent_id"], e["urgent"]) for e in errors] == [
        (2, "B", ["red_flags_now=seizure"])]
    assert count_records(tmp_path / "in.jsonl", "jsonl") == 2
