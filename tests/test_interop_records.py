"""Batch on a REDCap "CSV (raw data)" export and an ODK Central CSV export, written here
the way those tools write them (engineering notes, "Survey tools"): the results equal
those of the plain CSV of the same answers."""

import csv
import io
import uuid

import pytest
from conftest import FIXED_DAY

from screener.authoring.generate import answer_sets
from screener.batch import BatchError, run_batch, write_input
from screener.interop import records, xlsform


def _rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def _cell(value):
    return "" if value is None else str(value)


def redcap_export(answers: list[dict], ruleset) -> str:
    """record_id, redcap_event_name, survey columns, per instrument its fields (checkbox
    as ___code 0/1 columns) and <form>_complete; descriptive fields are not exported."""
    header = ["record_id", "redcap_event_name", "redcap_repeat_instrument",
              "redcap_repeat_instance", "redcap_survey_identifier"]
    for section in ruleset.questions.sections:
        header.append(f"{section.id}_timestamp")
        for q in section.questions:
            header += ([f"{q.id}___{c}" for c in q.codes] if q.type == "multi" else [q.id])
        header.append(f"{section.id}_complete")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for record in answers:
        row = []
        for column in header:
            if column == "record_id":
                row.append(record["respondent_id"])
            elif column == "redcap_event_name":
                row.append("screening_arm_1")
            elif column.endswith("_timestamp"):
                row.append("2025-06-14 10:02:11")
            elif column.endswith("_complete"):
                row.append("2")
            elif "___" in column:
                qid, code = column.split("___")
                row.append("1" if code in (record.get(qid) or []) else "0")
            elif column.startswith("redcap_"):
                row.append("")
            else:
                row.append(_cell(record.get(column)))
        writer.writerow(row)
    return out.getvalue()


def odk_export(answers: list[dict], ruleset, submitted: list[str]) -> str:
    """SubmissionDate, group-path columns (notes too, empty), space-separated
    select_multiple, meta-instanceID, KEY and Central's bookkeeping columns."""
    book, _ = xlsform.sheets(ruleset)
    columns, path = [], []
    for kind, name, *_ in book["survey"][1:]:
        if kind == "begin_group":
            path.append(name)
        elif kind == "end_group":
            path.pop()
        else:
            columns.append(("-".join(path + [name]), name))
    tail = ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent",
            "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["SubmissionDate"] + [c for c, _ in columns] + tail)
    for record, when in zip(answers, submitted, strict=True):
        cells = [when]
        for _, name in columns:
            value = record.get(name)
            cells.append(" ".join(value) if isinstance(value, list) else _cell(value))
        key = record["respondent_id"]
        cells += [key, key, "5", "enumerator 1", "0", "0", "", "", "collect:Xz8d", "0", "2.0.0"]
        writer.writerow(cells)
    return out.getvalue()


@pytest.fixture(scope="module")
def people(ruleset):
    sets = answer_sets(ruleset, 120, seed=31, red_flag_rate=0.15)
    for i, answers in enumerate(sets):
        answers["respondent_id"] = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, str(i))}"
        if i % 3 == 0:
            answers.pop("screened_on", None)  # ODK: SubmissionDate stands in
    return sets


def test_redcap_export_screens_like_the_plain_csv(tmp_path, ruleset, people):
    numbered = [dict(a, respondent_id=str(1000 + i)) for i, a in enumerate(people)]
    write_input(tmp_path / "plain.csv", numbered, ruleset)
    (tmp_path / "redcap.csv").write_text(redcap_export(numbered, ruleset))
    plain = run_batch(tmp_path / "plain.csv", tmp_path / "p.csv", today=FIXED_DAY)
    red = run_batch(tmp_path / "redcap.csv", tmp_path / "r.csv", today=FIXED_DAY)
    assert red.read_as == "redcap" and plain.read_as == "plain"
    assert _rows(tmp_path / "r.csv") == _rows(tmp_path / "p.csv")
    assert red.screened == plain.screened == len(people) and red.errors == 0
    assert red.by_triage == plain.by_triage and red.by_triage["urgent"] > 0


def test_odk_export_screens_like_the_plain_csv(tmp_path, ruleset, people):
    submitted = [f"2025-0{1 + i % 9}-1{i % 10}T09:31:02.512Z" for i in range(len(people))]
    plain_records = [dict(a) for a in people]
    for record, when in zip(plain_records, submitted, strict=True):
        record.setdefault("screened_on", when[:10])
    write_input(tmp_path / "plain.csv", plain_records, ruleset)
    (tmp_path / "odk.csv").write_text(odk_export(people, ruleset, submitted))
    plain = run_batch(tmp_path / "plain.csv", tmp_path / "p.csv", today=FIXED_DAY)
    odk = run_batch(tmp_path / "odk.csv", tmp_path / "o.csv", today=FIXED_DAY)
    assert odk.read_as == "odk"
    rows = _rows(tmp_path / "o.csv")
    assert rows == _rows(tmp_path / "p.csv")
    assert rows[0]["respondent_id"].startswith("uuid:")  # KEY, as given
    assert odk.screened == plain.screened == len(people) and odk.errors == 0
    assert odk.by_factor == plain.by_factor


def test_odk_split_select_columns_fold_like_space_separated_ones(ruleset):
    header = ["SubmissionDate", "urgent_section-red_flags_now/chest_pain",
              "urgent_section-red_flags_now/none", "about_you_section-age_years", "KEY"]
    plan = records.plan(header, "odk", ruleset, "x.csv")
    got = records.answers(["2025-06-01T10:00:00Z", "1", "0", "70", "uuid:ab-1"], plan, "odk",
                          ruleset, 1)
    assert got == {"red_flags_now": ["chest_pain"], "age_years": 70,
                   "respondent_id": "uuid:ab-1", "screened_on": "2025-06-01"}


def test_detection(ruleset):
    assert records.detect(["record_id", "age_years", "red_flags_now___none"]) == "redcap"
    assert records.detect(["SubmissionDate", "about_you_section-age_years", "KEY"]) == "odk"
    assert records.detect(["respondent_id", "age_years"]) == "plain"
    assert records.detect(["respondent_id", "age-years"]) == "plain"  # a typo, not a group path


@pytest.mark.parametrize("source,header,expected", [
    ("plain", ["respondent_id", "age-years"], ["'age-years' (did you mean 'age_years'?)"]),
    ("plain", ["respondent_id", "age_yaers", "red_flag_now", "weight"],
     ["'age_yaers' (did you mean 'age_years'?)", "'red_flag_now' (did you mean 'red_flags_now'?)",
      "'weight' (did you mean 'weight_kg'?)"]),
    ("redcap", ["record_id", "red_flags_now___chest_pian", "agee_years", "diet_complete"],
     ["'red_flags_now___chest_pian' (did you mean 'red_flags_now___chest_pain'?)",
      "'agee_years' (did you mean 'age_years'?)"]),
    ("odk", ["SubmissionDate", "about-age_yrs", "sun-housebond", "KEY"],
     ["'about-age_yrs' (did you mean 'age_years'?)", "'sun-housebond' (did you mean 'housebound'?)"]),
])
def test_unknown_columns_are_all_named_in_one_error(tmp_path, ruleset, source, header, expected):
    path = tmp_path / "in.csv"
    path.write_text(",".join(header) + "\n" + ",".join("" for _ in header) + "\n")
    with pytest.raises(BatchError) as caught:
        run_batch(path, tmp_path / "out.csv", today=FIXED_DAY, read_as=source)
    message = str(caught.value)
    assert message.startswith(f"{path}:1: unknown column")
    for part in expected:
        assert part in message
    assert not (tmp_path / "out.csv").exists()


def test_rejected_export_records_with_red_flags_are_urgent(tmp_path, ruleset, capsys):
    from screener.cli import main

    (tmp_path / "redcap.csv").write_text(
        "record_id,redcap_event_name,red_flags_now___chest_pain,red_flags_now___none,"
        "age_years,urgent_complete\n"
        "17,screening_arm_1,1,0,300,2\n"
        "18,screening_arm_1,0,1,45,2\n")
    assert main(["batch", str(tmp_path / "redcap.csv"), "-o", str(tmp_path / "r.csv"),
                 "--today", FIXED_DAY.isoformat()]) == 0
    err = capsys.readouterr().err
    assert "as a REDCap export" in err and "row 1 (respondent_id 17): red_flags_now=chest_pain" in err
    (bad,) = _rows(tmp_path / "r.errors.csv")
    assert bad["urgent"] == "red_flags_now=chest_pain" and bad["respondent_id"] == "17"

    (tmp_path / "odk.csv").write_text(
        "SubmissionDate,urgent_section-red_flags_now,about_you_section-age_years,meta-instanceID,KEY\n"
        "2025-06-01T08:00:00.000Z,fainting no_urine_8h,abc,uuid:0f1e,uuid:0f1e\n")
    assert main(["batch", str(tmp_path / "odk.csv"), "-o", str(tmp_path / "o.csv"),
                 "--today", FIXED_DAY.isoformat()]) == 0
    err = capsys.readouterr().err
    assert "as an ODK Central export" in err and "(respondent_id uuid:0f1e)" in err
    (bad,) = _rows(tmp_path / "o.errors.csv")
    assert bad["urgent"] == "red_flags_now=fainting;red_flags_now=no_urine_8h"


def test_from_a_survey_tool_reads_csv_only(tmp_path, ruleset):
    path = tmp_path / "in.jsonl"
    path.write_text('{"age_years": 40}\n')
    with pytest.raises(BatchError, match="--from redcap reads a CSV export"):
        run_batch(path, tmp_path / "out.jsonl", read_as="redcap")


def test_a_labels_export_gets_a_hint(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text('Record ID,"Do you have any of these right now? (choice=Chest pain)",Complete?\n'
                    '1,Checked,Complete\n')
    with pytest.raises(BatchError, match="export with labels: export 'CSV / Microsoft Excel \\(raw data\\)'"):
        run_batch(path, tmp_path / "out.csv", today=FIXED_DAY)


def test_the_wrong_from_gets_a_hint(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("record_id,red_flags_now___none,age_years\n1,1,40\n")
    with pytest.raises(BatchError, match="look like a REDCap export .*use --from redcap"):
        run_batch(path, tmp_path / "out.csv", today=FIXED_DAY, read_as="plain")


def test_odk_group_paths_without_odks_own_columns_get_a_hint(tmp_path):
    """An ODK export cut down to its answers (no SubmissionDate, no KEY) is read as plain:
    the refusal says --from odk (a red-team run found no hint)."""
    path = tmp_path / "export.csv"
    path.write_text("about-age_years,urgent-red_flags_now\n50,chest_pain\n")
    with pytest.raises(BatchError, match="come from ODK: use --from odk"):
        run_batch(path, tmp_path / "out.csv", today=FIXED_DAY)
    summary = run_batch(path, tmp_path / "out.csv", today=FIXED_DAY, read_as="odk")
    assert summary.by_triage == {"urgent": 1}


def test_redcap_record_id_field_may_have_another_name(ruleset):
    header = ["study_id", "redcap_event_name", "age_years", "red_flags_now___none", "urgent_complete"]
    plan = records.plan(header, "redcap", ruleset, "x.csv")
    got = records.answers(["S-0042", "baseline_arm_1", "51", "1", "2"], plan, "redcap", ruleset, 1)
    assert got == {"respondent_id": "S-0042", "age_years": 51, "red_flags_now": ["none"]}
