"""Batch screening: CSV and JSONL in and out, nothing lost, same bytes whatever the
number of workers or the executor, resumable, and every row equal to `screener screen`."""

import csv
import json
import os
import stat
import subprocess
import sys

import pytest
from conftest import FIXED_DAY

from screener import cli
from screener.authoring.generate import answer_sets
from screener.batch import BatchError, paths_for, run_batch, write_input
from screener.errors import OutputError


def records(ruleset, count=60, seed=3):
    sets = answer_sets(ruleset, count, seed=seed)
    for i, answers in enumerate(sets):
        if i % 2:
            answers["respondent_id"] = f"P{i:03d}"
    return sets


def read_rows(path):
    if path.suffix == ".csv":
        with open(path, newline="") as handle:
            return list(csv.DictReader(handle))
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def good_and_bad(tmp_path, ruleset):
    """A CSV and a JSONL file of the same 60 good records plus 3 bad ones."""
    sets = records(ruleset)
    bad = [{"respondent_id": "BAD1", "age_years": 300},
           {"respondent_id": "BAD2", "housebound": "sometimes"},
           {"respondent_id": "BAD3", "red_flags_now": ["none", "seizure"]}]
    rows = sets[:10] + bad[:1] + sets[10:40] + bad[1:] + sets[40:]
    return (write_input(tmp_path / "in.csv", rows, ruleset),
            write_input(tmp_path / "in.jsonl", rows, ruleset))


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_good_and_bad_rows_reconcile(tmp_path, ruleset, good_and_bad, kind):
    source = good_and_bad[0] if kind == "csv" else good_and_bad[1]
    output = tmp_path / f"out.{kind}"
    summary = run_batch(source, output, today=FIXED_DAY, chunk_size=16)
    errors = tmp_path / f"out.errors.{kind}"
    rows, bad = read_rows(output), read_rows(errors)
    assert (summary.input_records, summary.screened, summary.errors) == (63, 60, 3)
    assert len(rows) + len(bad) == summary.input_records and summary.reconciles
    assert [b["respondent_id"] for b in bad] == ["BAD1", "BAD2", "BAD3"]
    assert [str(b["row"]) for b in bad] == ["11", "42", "43"]
    assert [b["field"] for b in bad] == ["age_years", "housebound", "red_flags_now"]
    # BAD3 is rejected ('none' with another code) but reports a seizure: marked, counted
    urgent = [b["urgent"] for b in bad]
    assert urgent == (["", "", "red_flags_now=seizure"] if kind == "csv"
                      else [[], [], ["red_flags_now=seizure"]])
    assert summary.errors_urgent == 1
    assert summary.urgent_errors == [{"row": 43, "respondent_id": "BAD3",
                                      "urgent": ["red_flags_now=seizure"]}]
    assert "from 0 to 120" in bad[0]["message"] and "'sometimes' is not a code" in bad[1]["message"]
    assert rows[1]["respondent_id"] == "P001" and rows[0]["respondent_id"] == "1"
    assert {r["ruleset_hash"] for r in rows} == {ruleset.content_hash}
    assert sum(summary.by_triage.values()) == 60
    for path in (output, errors):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not paths_for(output)[0].exists() and not paths_for(output)[1].exists()


def test_csv_cells_parse_and_errors_name_row_and_column(tmp_path, ruleset):
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years,red_flags_now,housebound\n"
                      "A1,70, none ,yes\n"
                      "A2,seventy,none,yes\n"
                      ",,chest_pain;fainting,\n")
    summary = run_batch(source, tmp_path / "out.csv", today=FIXED_DAY)
    rows, bad = read_rows(tmp_path / "out.csv"), read_rows(tmp_path / "out.errors.csv")
    assert (summary.screened, summary.errors) == (2, 1)
    assert bad == [{"row": "2", "respondent_id": "A2", "field": "age_years",
                    "message": "row 2, column age_years: 'seventy' is not a whole number written "
                               "with the digits 0-9",
                    "urgent": ""}]
    assert rows[0]["triage"] == "routine" and rows[0]["vitamin_d_strength"] in ("some", "several")
    assert rows[1]["respondent_id"] == "3" and rows[1]["triage"] == "urgent"
    assert rows[1]["factors"] == "" and rows[1]["vitamin_d_strength"] == ""


def test_unknown_column_stops_before_screening(tmp_path, ruleset):
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_yaers\nA1,70\n")
    with pytest.raises(BatchError, match="unknown column 'age_yaers'.*age_years"):
        run_batch(source, tmp_path / "out.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]  # no .partial left


@pytest.mark.slow  # child processes (workers, a Dask cluster or the command)
@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_one_and_two_workers_give_identical_bytes(tmp_path, ruleset, kind):
    source = write_input(tmp_path / f"in.{kind}", records(ruleset, 400, seed=9), ruleset)
    run_batch(source, tmp_path / f"one.{kind}", today=FIXED_DAY, workers=1, chunk_size=37)
    run_batch(source, tmp_path / f"two.{kind}", today=FIXED_DAY, workers=2, chunk_size=37)
    assert (tmp_path / f"one.{kind}").read_bytes() == (tmp_path / f"two.{kind}").read_bytes()
    assert len(read_rows(tmp_path / f"one.{kind}")) == 400


@pytest.mark.slow  # child processes (workers, a Dask cluster or the command)
def test_resume_after_interruption_finishes_without_redoing(tmp_path, ruleset):
    source = write_input(tmp_path / "in.csv", records(ruleset, 200, seed=4), ruleset)
    run_batch(source, tmp_path / "full.csv", today=FIXED_DAY, chunk_size=25)
    output = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=25, stop_after=3)
    partial, checkpoint = paths_for(output)
    assert not output.exists() and partial.exists()
    assert json.loads(checkpoint.read_text())["records_done"] == 75
    assert stat.S_IMODE(os.stat(partial).st_mode) == 0o600
    with open(partial, "a") as handle:  # a chunk written but not checkpointed when killed
        handle.write("half a row,")
    with pytest.raises(BatchError, match="--resume"):
        run_batch(source, output, today=FIXED_DAY, chunk_size=25)
    # a resumed run keeps the first run's date even if --today now differs
    summary = run_batch(source, output, chunk_size=25, resume=True, workers=2)
    assert summary.resumed_at == 75 and summary.input_records == 200
    assert output.read_bytes() == (tmp_path / "full.csv").read_bytes()
    assert not checkpoint.exists() and not partial.exists()


def test_resume_refuses_a_partial_file_cut_short(tmp_path, ruleset):
    """Finished records must never come back as zero bytes: a partial file shorter than
    its checkpoint is refused, not padded."""
    from screener.errors import OutputError

    source = write_input(tmp_path / "in.csv", records(ruleset, 100, seed=3), ruleset)
    output = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, stop_after=3)
    partial, _ = paths_for(output)
    partial.write_text("respondent_id\n")
    with pytest.raises(OutputError, match="shorter than its checkpoint"):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, resume=True)
    assert b"\0" not in partial.read_bytes()


def test_resume_counts_rows_whose_echoed_values_hold_line_separators(tmp_path, ruleset):
    """An error row echoes the rejected value, and JSON leaves U+2028 and NEL unescaped
    inside strings: the rows already written are counted by their newlines only, or a
    resume would call its own files tampered with."""
    rows = records(ruleset, 6, seed=5)
    rows[0] = dict(rows[0], red_flags_now="a\u2028b\x85c")
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                      encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    run_batch(source, tmp_path / "full.jsonl", errors_path=tmp_path / "full-errors.jsonl",
              today=FIXED_DAY, chunk_size=2)
    output = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, errors_path=errors, today=FIXED_DAY, chunk_size=2,
                  stop_after=1)
    summary = run_batch(source, output, errors_path=errors, today=FIXED_DAY, chunk_size=2,
                        resume=True)
    assert summary.resumed_at == 2
    assert output.read_bytes() == (tmp_path / "full.jsonl").read_bytes()
    assert errors.read_bytes() == (tmp_path / "full-errors.jsonl").read_bytes()
    assert "\u2028" in errors.read_text(encoding="utf-8")  # the value was echoed as read


@pytest.mark.slow  # child processes (workers, a Dask cluster or the command)
def test_summary_cannot_be_the_output(tmp_path, ruleset):
    import subprocess
    import sys

    source = write_input(tmp_path / "in.csv", records(ruleset, 5), ruleset)
    out = tmp_path / "out.csv"
    proc = subprocess.run([sys.executable, "-m", "screener", "batch", str(source), "-o", str(out),
                           "--summary", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "choose another name" in proc.stderr
    assert not out.exists()


def test_resume_refuses_a_changed_input(tmp_path, ruleset):
    source = write_input(tmp_path / "in.jsonl", records(ruleset, 100), ruleset)
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, tmp_path / "out.jsonl", chunk_size=10, stop_after=1)
    with open(source, "a") as handle:
        handle.write('{"age_years": 40}\n')
    with pytest.raises(BatchError, match="input file changed"):
        run_batch(source, tmp_path / "out.jsonl", chunk_size=10, resume=True)


@pytest.mark.slow  # child processes (workers, a Dask cluster or the command)
def test_dask_local_cluster_output_equals_local_run(tmp_path, ruleset):
    """`--engine dask` (a local cluster) writes the same bytes as the local engine.

    The Dask run is a child process, as for a user: Dask leaves threads behind in the
    process that ran it, and a later pty test forking from a multi-threaded pytest
    process would warn (forkpty DeprecationWarning on 3.12+)."""
    pytest.importorskip("dask.distributed",
                        reason="Dask is not installed (the dask extra: uv sync --extra dask)")
    source = write_input(tmp_path / "in.jsonl", records(ruleset, 300, seed=8), ruleset)
    run_batch(source, tmp_path / "local.csv", today=FIXED_DAY, chunk_size=40)
    proc = subprocess.run(
        [sys.executable, "-m", "screener", "batch", str(source), "-o", str(tmp_path / "dask.csv"),
         "--engine", "dask", "--workers", "2", "--today", FIXED_DAY.isoformat()],
        capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "300 records = 300 screened" in proc.stdout
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    assert (tmp_path / "dask.errors.csv").read_bytes() == (tmp_path / "local.errors.csv").read_bytes()


def test_rows_equal_screen_command_on_a_sample(tmp_path, ruleset, capsys):
    sets = records(ruleset, 300, seed=21)
    for answers in sets:
        answers["screened_on"] = "2025-02-10"
    source = write_input(tmp_path / "in.jsonl", sets, ruleset)
    run_batch(source, tmp_path / "out.jsonl", chunk_size=50)
    rows = read_rows(tmp_path / "out.jsonl")
    sample = range(0, 300, 12)
    levels = {rows[i]["triage"] for i in sample}
    assert "urgent" in levels and len(levels) >= 3, levels
    for i in sample:
        (tmp_path / "one.json").write_text(json.dumps(sets[i]))
        assert cli.main(["screen", str(tmp_path / "one.json"), "--format", "json"]) == 0
        result = json.loads(capsys.readouterr().out)
        row = rows[i]
        assert row["triage"] == result["triage"]
        assert row["complete"] == result["complete"]
        assert row["factors"] == [f["id"] for f in result["factors"]]
        for fid in ruleset.factors:
            expected = next((f["strength"] for f in result["factors"] if f["id"] == fid), None)
            assert row[f"{fid}_strength"] == expected
        assert row["notes"] == [n["id"] for n in result["notes"]]
        assert row["ruleset_hash"] == result["ruleset"]["hash"]
        assert row["respondent_id"] == (result["respondent_id"] or str(i + 1))


def test_cli_batch_summary_and_refusals(tmp_path, ruleset, capsys):
    source = write_input(tmp_path / "in.csv", records(ruleset, 30), ruleset)
    args = ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--today", "2025-06-15",
            "--summary", str(tmp_path / "summary.json")]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("30 records = 30 screened + 0 with errors")
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["reconciles"] and summary["input_records"] == 30
    assert sum(v["count"] for v in summary["triage"].values()) == 30
    assert set(summary["factors"]) == set(ruleset.factors)
    assert cli.main(args) == 2  # never overwrite without --force
    assert "already exists" in capsys.readouterr().err
    assert cli.main([*args, "--force"]) == 0
    assert cli.main(["batch", str(source), "-o", str(tmp_path / "out.txt")]) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit) as bad_date:  # argparse: a usage error, exit status 2
        cli.main([*args, "--force", "--today", "15/06/2025"])
    assert bad_date.value.code == 2
    assert "'15/06/2025' is not a date written YYYY-MM-DD" in capsys.readouterr().err


def test_excel_bom_and_blank_lines_are_not_records(tmp_path, ruleset):
    source = tmp_path / "in.csv"
    source.write_bytes("\ufeffrespondent_id,age_years\nA1,70\n\nA2,40\n".encode("utf-8"))
    summary = run_batch(source, tmp_path / "out.csv", today=FIXED_DAY)
    assert (summary.input_records, summary.screened) == (2, 2)
    assert [r["respondent_id"] for r in read_rows(tmp_path / "out.csv")] == ["A1", "A2"]


def test_non_utf8_bytes_reject_their_own_record_only(tmp_path, ruleset):
    source = tmp_path / "in.csv"
    source.write_bytes("respondent_id,age_years\nA1,70\nJos\xe9,70\nA3,71\n".encode("latin-1"))
    summary = run_batch(source, tmp_path / "out.csv", today=FIXED_DAY)
    assert (summary.screened, summary.errors) == (2, 1)
    [bad] = read_rows(tmp_path / "out.errors.csv")
    assert bad["row"] == "2" and bad["respondent_id"] == "Jos\\xe9"
    assert "not UTF-8 text: byte 0xe9" in bad["message"]
    header = tmp_path / "head.csv"
    header.write_bytes("respondent_id,\xe2ge_years\nA1,70\n".encode("latin-1"))
    with pytest.raises(BatchError, match="header: it is not UTF-8"):
        run_batch(header, tmp_path / "out2.csv", today=FIXED_DAY)


@pytest.mark.slow  # child processes (workers, a Dask cluster or the command)
def test_ctrl_c_on_the_command_then_resume(tmp_path, ruleset):
    """A real SIGINT to a running `screener batch`, then --resume: same bytes as a run
    that was never interrupted."""
    import signal
    import subprocess
    import sys
    import time

    source = write_input(tmp_path / "in.jsonl", records(ruleset, 20_000, seed=2), ruleset)
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "screener", "batch", str(source), "-o", str(output),
               "--today", "2025-06-15"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    checkpoint = paths_for(output)[1]
    deadline = time.monotonic() + 60
    while not checkpoint.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "--resume" in err and not output.exists()
    done = json.loads(checkpoint.read_text())["records_done"]
    assert 0 < done < 20_000
    resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith("20,000 records = 20,000 screened + 0 with errors")
    run_batch(source, tmp_path / "full.jsonl", today=FIXED_DAY, chunk_size=1000)
    assert output.read_bytes() == (tmp_path / "full.jsonl").read_bytes()


# ------------------------------------------- red flags in rejected records, unknown urgent check

@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_every_urgent_code_in_a_rejected_record_is_marked(tmp_path, ruleset, kind):
    """Each answer that an urgent rule tests (read from the rules, not listed here) makes
    a rejected record (age 200) stand out: errors column, summary count, names."""
    from screener.red_flags import urgent_codes

    pairs = [(name, code) for name, codes in urgent_codes(ruleset).items()
             for code in sorted(codes)]
    assert {"urine_colour", "palpitations", "muscle_weakness"} <= {n for n, _ in pairs}
    multi = {q.id for q in ruleset.questions if q.type == "multi"}
    rows = [{"respondent_id": f"R{i}", "age_years": 200,
             name: [code] if name in multi else code} for i, (name, code) in enumerate(pairs)]
    rows.append({"respondent_id": "CALM", "age_years": 200, "red_flags_now": ["none"]})
    source = write_input(tmp_path / f"in.{kind}", rows, ruleset)
    summary = run_batch(source, tmp_path / f"out.{kind}", today=FIXED_DAY)
    bad = read_rows(tmp_path / f"out.errors.{kind}")
    assert summary.errors == len(bad) == len(pairs) + 1 and summary.reconciles
    expected = [f"{name}={code}" for name, code in pairs] + [""]
    got = [b["urgent"] if kind == "csv" else ";".join(b["urgent"]) for b in bad]
    assert got == expected
    assert summary.errors_urgent == len(pairs)
    assert summary.as_dict()["errors_with_red_flag"] == len(pairs)
    assert [r["respondent_id"] for r in summary.urgent_errors] == [f"R{i}" for i in range(len(pairs))]


def test_red_flags_are_read_tolerantly_from_raw_jsonl_and_csv(tmp_path, ruleset):
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(
        '{"respondent_id": "S1", "age_years": 200, "red_flags_now": "Chest pain; fainting"}\n'
        '{"respondent_id": "S2", "red_flags_now": ["none", " SEIZURE "]}\n'
        '{"respondent_id": "S3", "age_years": 70, "urine_colour": "brown",\n'
        '{"respondent_id": "S4", "age_years": 200, "red_flags_now": ["none"]}\n')
    summary = run_batch(jsonl, tmp_path / "out.jsonl", today=FIXED_DAY)
    bad = read_rows(tmp_path / "out.errors.jsonl")
    assert [b["urgent"] for b in bad] == [
        ["red_flags_now=chest_pain", "red_flags_now=fainting"], ["red_flags_now=seizure"],
        ["urine_colour=brown"], []]
    assert "not valid JSON" in bad[2]["message"] and summary.errors_urgent == 3

    csv_in = tmp_path / "in.csv"
    csv_in.write_text('respondent_id,age_years,red_flags_now,muscle_weakness\n'
                      'C1,200,"Chest pain, cola-urine",\n'
                      'C2,seventy,,Severe or worsening\n'
                      'C3,200,none,mild\n'
                      'C4,70,none\n')  # too few cells: rejected, still read
    summary = run_batch(csv_in, tmp_path / "out.csv", today=FIXED_DAY)
    bad = read_rows(tmp_path / "out.errors.csv")
    assert [b["urgent"] for b in bad] == ["red_flags_now=chest_pain;red_flags_now=cola_urine",
                                          "muscle_weakness=severe_or_worsening", "", ""]
    assert summary.errors == 4 and summary.errors_urgent == 2


def test_cli_shouts_about_rejected_records_with_red_flags(tmp_path, ruleset, capsys):
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years,red_flags_now,palpitations\n"
                      "P1,70,none,no\n"
                      "P2,200,chest_pain,no\n"
                      "P3,200,none,with_chest_pain_or_fainting\n")
    args = ["batch", str(source), "-o", str(tmp_path / "out.csv"), "--today", "2025-06-15",
            "--summary", str(tmp_path / "summary.json")]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "3 records = 1 screened + 2 with errors"
    assert lines[1].startswith("!!! URGENT: records with errors that report a red flag: 2 ")
    assert captured.err.startswith("screener: URGENT: records with errors that report a red "
                                   "flag: 2; check these people now:")
    assert "row 2 (respondent_id P2): red_flags_now=chest_pain" in captured.err
    assert "row 3 (respondent_id P3): palpitations=with_chest_pain_or_fainting" in captured.err
    data = json.loads((tmp_path / "summary.json").read_text())
    assert data["errors_with_red_flag"] == 2 and data["reconciles"]
    assert data["triage"]["urgent"]["count"] == 0  # why the line above matters


def test_unanswered_urgent_check_is_counted_not_escalated(tmp_path, ruleset, capsys):
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"age_years": 70, "housebound": "yes"}\n'
                     '{"age_years": 70, "housebound": "yes", "red_flags_now": null}\n'
                     '{"age_years": 70, "housebound": "yes", "red_flags_now": ["none"]}\n')
    summary = run_batch(jsonl, tmp_path / "out.jsonl", today=FIXED_DAY)
    rows = read_rows(tmp_path / "out.jsonl")
    assert summary.urgent_check_unanswered == 2 and summary.warnings == []
    assert [r["triage"] for r in rows] == ["routine"] * 3  # the rules' answer, unchanged

    csv_in = tmp_path / "blank.csv"
    csv_in.write_text("age_years,red_flags_now\n70,\n70,none\n")
    assert run_batch(csv_in, tmp_path / "blank.out.csv").urgent_check_unanswered == 1

    no_column = tmp_path / "nocol.csv"
    no_column.write_text("respondent_id,age_years\nA1,70\nA2,40\n")
    warned = []
    summary = run_batch(no_column, tmp_path / "nocol.out.csv", warn=warned.append)
    assert summary.urgent_check_unanswered == 2
    assert len(warned) == 1 and "no red_flags_now column" in warned[0]
    assert summary.as_dict()["warnings"] == warned

    args = ["batch", str(no_column), "-o", str(tmp_path / "cli.csv"), "--summary",
            str(tmp_path / "summary.json")]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("screener: warning: nocol.csv has no red_flags_now column")
    assert captured.out.splitlines()[1] == ("2 records did not answer the urgent check "
                                            "(red_flags_now): screened without it")
    assert json.loads((tmp_path / "summary.json").read_text())["urgent_check_unanswered"] == 2


# ------------------------------------------------------------ failed runs leave nothing behind

def _fail_on_record(monkeypatch, number):
    """Bad input no longer stops a run (it becomes error rows), so a failure inside the
    run is injected: the chunk holding record ``number`` raises (the real engine runs)."""
    from screener.batch import executors as batch  # where the executors find process_chunk

    real = batch.process_chunk

    def failing(task, records):
        if any(n == number for n, _ in records):
            raise BatchError("injected failure")
        return real(task, records)

    monkeypatch.setattr(batch, "process_chunk", failing)


def test_a_run_failing_before_its_first_checkpoint_leaves_no_partial_files(tmp_path, ruleset,
                                                                           monkeypatch):
    _fail_on_record(monkeypatch, 3001)
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years\n" + "A1,70\n" * 3001)
    with pytest.raises(BatchError, match="injected"):
        run_batch(source, tmp_path / "out.csv", today=FIXED_DAY, chunk_size=5000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert cli.main(["batch", str(source), "-o", str(tmp_path / "out.csv"), "--today",
                     "2025-06-15"]) == 2  # chunks of 500: fails after a checkpoint
    assert (tmp_path / "out.csv.partial").exists() and (tmp_path / "out.csv.checkpoint.json").exists()
    for leftover in ("out.csv.partial", "out.errors.csv.partial", "out.csv.checkpoint.json"):
        (tmp_path / leftover).unlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_force_after_an_interruption_drops_the_stale_checkpoint(tmp_path, ruleset, monkeypatch):
    source = write_input(tmp_path / "in.jsonl", records(ruleset, 100), ruleset)
    output = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, chunk_size=10, stop_after=2)
    partial, checkpoint = paths_for(output)
    assert partial.exists() and checkpoint.exists()  # resumable: kept
    _fail_on_record(monkeypatch, 100)
    with pytest.raises(BatchError, match="injected"):
        run_batch(source, output, chunk_size=1000, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


# ------------------------------------------------ bad paths fail at once, cleanly, leaving nothing

def test_missing_or_bad_destination_folders_are_refused_up_front(tmp_path, ruleset, capsys):
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years\nA1,70\n")
    missing = tmp_path / "nodir"
    with pytest.raises(OutputError, match=f"the folder {missing} does not exist"):
        run_batch(source, missing / "o.csv")
    # only the errors file's folder is missing: the output's partial file is not created
    with pytest.raises(OutputError, match=f"errors file: the folder {missing} does not exist"):
        run_batch(source, tmp_path / "o.csv", errors_path=missing / "e.csv")
    (tmp_path / "afile").write_text("")
    with pytest.raises(OutputError, match="afile is not a folder"):
        run_batch(source, tmp_path / "afile" / "o.csv")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(OutputError, match="this is a folder"):
        run_batch(source, tmp_path / "folder.csv", force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "folder.csv", "in.csv"]

    base = ["batch", str(source), "-o", str(tmp_path / "o.csv"), "--today", "2025-06-15"]
    for extra in (["-o", str(missing / "o.csv")], ["--errors", str(missing / "e.csv")],
                  ["--summary", str(missing / "s.json")],
                  ["--summary", str(tmp_path / "folder.csv"), "--force"]):
        assert cli.main([*base, *extra]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert str(missing) in err or "this is a folder" in err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "folder.csv", "in.csv"]


def test_a_failed_second_open_closes_and_removes_the_first(tmp_path, ruleset):
    """The errors partial cannot be created (a folder is in the way): the output's partial
    file, opened just before, is closed and removed."""
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years\nA1,70\n")
    (tmp_path / "o.errors.csv.partial").mkdir()
    with pytest.raises(OutputError, match="o.errors.csv.partial: cannot write"):
        run_batch(source, tmp_path / "o.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "o.errors.csv.partial"]


@pytest.mark.parametrize("tty", [False, True])
def test_missing_or_folder_input_is_a_clean_error_with_or_without_progress_bar(
        tmp_path, ruleset, capsys, monkeypatch, tty):
    import sys

    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "folder").mkdir()  # no extension: still said to be a folder
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)  # a terminal draws the bar
    for name, expected in (("absent.csv", "absent.csv: no such input file"),
                           ("folder.csv", "folder.csv: is a folder"),
                           ("folder", "folder: is a folder")):
        assert cli.main(["batch", str(tmp_path / name), "-o", str(tmp_path / "o.csv")]) == 2
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "folder.csv"]


@pytest.mark.parametrize("name", ["in.csv", "in.jsonl"])
def test_an_empty_input_warns_that_nothing_was_screened(tmp_path, capsys, name):
    (tmp_path / name).write_bytes(b"")
    assert cli.main(["batch", str(tmp_path / name), "-o", str(tmp_path / "o.csv")]) == 0
    assert f"warning: {name} is empty: there is nothing to screen" in capsys.readouterr().err


def test_a_repeated_column_is_refused_naming_file_line_and_column(tmp_path, ruleset, capsys):
    source = tmp_path / "in.csv"  # the second red_flags_now cell would have been dropped
    source.write_text("respondent_id,red_flags_now,age_years,red_flags_now\nA1,none,70,chest_pain\n")
    with pytest.raises(BatchError) as caught:
        run_batch(source, tmp_path / "o.csv")
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        str(source), 1, "red_flags_now")
    assert str(caught.value).startswith(f"{source}:1: column 'red_flags_now' appears 2 times")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
    assert cli.main(["batch", str(source), "-o", str(tmp_path / "o.csv")]) == 2
    assert "column 'red_flags_now' appears 2 times" in capsys.readouterr().err


def test_progress_bar_draws_the_first_update_and_rates_only_this_run(capsys):
    import time

    from screener.commands.batch import _ProgressBar

    bar = _ProgressBar(40, time.monotonic())  # a fresh run of one chunk
    bar(40)
    drawn = capsys.readouterr().err
    assert drawn.startswith("\r[" + "#" * 30 + "] 40/40 ") and "records/s" in drawn

    bar = _ProgressBar(100, time.monotonic() - 10, resumed_at=60)  # resumed at 60
    assert bar.first == 60
    bar(80)
    drawn = capsys.readouterr().err
    assert "] 80/100 " in drawn
    rate = float(drawn.split()[2].replace(",", ""))
    assert rate <= 2.5  # 20 records in about 10 s: the 60 done before are not counted


def test_checkpoint_done_reads_where_a_resumed_run_starts(tmp_path, ruleset):
    from screener.batch import checkpoint_done

    source = write_input(tmp_path / "in.jsonl", records(ruleset, 50), ruleset)
    assert checkpoint_done(tmp_path / "out.jsonl") == 0
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, tmp_path / "out.jsonl", chunk_size=10, stop_after=2)
    assert checkpoint_done(tmp_path / "out.jsonl") == 20


@pytest.mark.slow  # child processes (two workers)
def test_both_rule_engines_give_the_same_bytes_resumed_or_not(tmp_path, ruleset, capsys):
    """Issue 23: --rule-engine python is the fast path; its rows are durable's, byte for
    byte, uninterrupted, with two workers, and resumed by the other engine."""
    source = write_input(tmp_path / "in.csv", records(ruleset, 300, seed=23), ruleset)
    run_batch(source, tmp_path / "durable.csv", today=FIXED_DAY, chunk_size=40,
              rule_engine="durable")
    expected = (tmp_path / "durable.csv").read_bytes()
    assert cli.main(["batch", str(source), "-o", str(tmp_path / "python.csv"), "--today",
                     FIXED_DAY.isoformat(), "--rule-engine", "python", "--workers", "2"]) == 0
    assert (tmp_path / "python.csv").read_bytes() == expected
    for first, then in (("durable", "python"), ("python", "durable")):
        output = tmp_path / f"{first}-then-{then}.csv"
        with pytest.raises(KeyboardInterrupt):
            run_batch(source, output, today=FIXED_DAY, chunk_size=40, stop_after=3,
                      rule_engine=first)
        run_batch(source, output, chunk_size=40, resume=True, rule_engine=then)
        assert output.read_bytes() == expected, (first, then)


def test_an_unknown_rule_engine_is_refused_before_anything_runs(tmp_path, ruleset):
    source = write_input(tmp_path / "in.csv", records(ruleset, 5, seed=1), ruleset)
    with pytest.raises(BatchError, match="unknown rule engine 'drools'"):
        run_batch(source, tmp_path / "out.csv", rule_engine="drools")
    assert not list(tmp_path.glob("out*"))
