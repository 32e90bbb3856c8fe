"""Issue 15, one regression test (or a few) per numbered item, named after it.

Each attack is reproduced as the red team found it; the test says what must happen
instead: a result, or exit 2 with one paragraph, never a traceback, a hang, a write
outside the requested paths, or a lost red flag.
"""

from __future__ import annotations

import json
import os

import pytest
from conftest import FIXED_DAY, ROOT

from screener import cli
from screener.batch import DEFAULT_CHUNK, BatchError, run_batch
from screener.errors import AnswersError
from screener.reading import MAX_BYTES
from screener.terminal.drafts import DraftStore

EXAMPLE = json.loads((ROOT / "examples" / "answers.json").read_text())
DUPLICATE_RED_FLAG = '{"red_flags_now": ["chest_pain"], "age_years": 50, "red_flags_now": ["none"]}'


def screen(capsys, *args):
    code = cli.main(["screen", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


# ------------------------------------------------ 1. a duplicate key hides a red flag

def test_item01_duplicate_key_is_an_error_that_still_reports_the_red_flag(tmp_path, capsys):
    path = tmp_path / "dup.json"
    path.write_text(DUPLICATE_RED_FLAG)
    code, out, err = screen(capsys, path, "--format", "json")
    assert code == 2 and out == ""
    assert "'red_flags_now' is given twice" in err
    assert "URGENT" in err and "red_flags_now=chest_pain" in err


def test_item01_duplicate_key_in_a_batch_record_is_an_urgent_error_row(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(DUPLICATE_RED_FLAG + "\n" + json.dumps(EXAMPLE) + "\n")
    summary = run_batch(source, tmp_path / "out.jsonl", today=FIXED_DAY)
    assert (summary.screened, summary.errors, summary.errors_urgent) == (1, 1, 1)
    [bad] = read_jsonl(tmp_path / "out.errors.jsonl")
    assert bad["row"] == 1 and bad["field"] == "red_flags_now"
    assert bad["urgent"] == ["red_flags_now=chest_pain"]


def test_item01_any_rejected_answers_file_names_its_red_flag(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"red_flags_now": ["seizure", "none"], "age_years": 500}))
    code, _, err = screen(capsys, path)
    assert code == 2
    assert any("URGENT" in line and "red_flags_now=seizure" in line for line in err.splitlines())


# ------------------------------------------------------ 5. huge or endless input

def test_item05_a_fifo_is_refused_not_waited_on(tmp_path, capsys):
    fifo = tmp_path / "answers.json"
    os.mkfifo(fifo)
    code, _, err = screen(capsys, fifo)  # would block for ever if opened for reading
    assert code == 2 and "named pipe" in err and "only regular files" in err


@pytest.mark.parametrize("path, kind", [("/dev/zero", "a device"), (".", "a folder")])
def test_item05_devices_and_folders_are_refused(capsys, path, kind):
    code, _, err = screen(capsys, path)
    assert code == 2 and kind in err


def test_item05_an_answers_file_has_a_size_limit_that_says_why(tmp_path, capsys):
    path = tmp_path / "big.json"
    path.write_text('{"' + "k" * (MAX_BYTES + 10) + '": 1}')
    code, _, err = screen(capsys, path)
    assert code == 2 and "too large" in err and "about 2 KB" in err
    assert len(err) < 600


def test_item05_a_long_bad_value_or_key_is_echoed_cut_short(tmp_path, capsys):
    path = tmp_path / "long.json"
    path.write_text(json.dumps({"housebound": "v" * 400_000, "k" * 400_000: 1}))
    code, _, err = screen(capsys, path)
    assert code == 2 and len(err) < 1000
    assert "more characters)" in err


def test_item05_standard_input_has_the_same_limit(capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b" " * (MAX_BYTES + 1))))
    code, _, err = screen(capsys, "-")
    assert code == 2 and "too large" in err


@pytest.mark.parametrize("text, says", [
    ('{"age_years": ' + "9" * 5000 + "}", "limit is 30 digits"),
    ('{"age_years": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ('{"age_years": ' + "[" * 100 + "]" * 100 + "}", "nested too deeply"),
    ('{"age_years": NaN}', "NaN"),
    (b'{"age_years": 5\xff}', "not UTF-8 text: byte 0xff on line 1"),
])
def test_item05_huge_numbers_deep_nesting_and_bad_bytes_are_clear_errors(tmp_path, capsys,
                                                                         text, says):
    path = tmp_path / "a.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    code, _, err = screen(capsys, path)
    assert code == 2 and says in err and len(err) < 600


# --------------------------------------------------------- 7. terminal escapes

def test_item07_escape_sequences_from_input_are_shown_escaped(tmp_path, capsys):
    path = tmp_path / "esc.json"
    path.write_text(json.dumps({"housebound": "\x1b[2J", "\x1b]0;pwned\x07": 1,
                                "age_years": "\u202e9"}))
    code, _, err = screen(capsys, path)
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "\\x1b[2J" in err and "\\x1b]0;pwned\\x07" in err and "\\u202e" in err


# ------------------------------------------------------------------ 9. drafts

@pytest.mark.parametrize("make, says", [
    (lambda p: p.write_bytes(b'{"ruleset_hash": "\xff"}'), "not UTF-8"),
    (lambda p: p.write_text('{"ruleset_hash": "h", "answers": {"age_years": ' + "9" * 5000 + "}}"),
     "digits"),
    (lambda p: p.write_text('{"answers": ' + "[" * 5000 + "]" * 5000 + "}"), "nested too deeply"),
    (lambda p: p.mkdir(), "is a folder"),
    (lambda p: os.mkfifo(p), "named pipe"),
    (lambda p: p.write_text('{"ruleset_hash": "h", "ruleset_hash": "h"}'), "given twice"),
    (lambda p: p.write_text(" " * (MAX_BYTES + 1)), "too large"),
])
def test_item09_unreadable_drafts_are_clear_errors(tmp_path, make, says):
    store = DraftStore(tmp_path)
    make(store.path)
    with pytest.raises(AnswersError, match=says) as caught:
        store.load()
    assert "screener run --fresh" in str(caught.value)


# ----------------------------------------------- 2. writes through a planted symlink

def good_jsonl(tmp_path, count=3, name="in.jsonl"):
    source = tmp_path / name
    source.write_text("".join(json.dumps({**EXAMPLE, "respondent_id": f"P{i}"}) + "\n"
                              for i in range(count)))
    return source


@pytest.mark.parametrize("planted", ["out.jsonl.partial", "out.errors.jsonl.partial"])
def test_item02_a_symlink_planted_at_a_partial_file_is_refused(tmp_path, planted):
    source = good_jsonl(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / planted).symlink_to(victim)
    with pytest.raises(Exception, match="already exists") as caught:
        run_batch(source, tmp_path / "out.jsonl", today=FIXED_DAY)
    assert getattr(caught.value, "exit_code", None) == 2
    assert victim.read_text() == "precious\n"
    # with --force the link itself is removed, never written through
    run_batch(source, tmp_path / "out.jsonl", today=FIXED_DAY, force=True)
    assert victim.read_text() == "precious\n" and not (tmp_path / planted).exists()


def test_item02_a_symlink_planted_at_a_partial_file_on_resume_is_refused(tmp_path):
    source = good_jsonl(tmp_path, 40)
    output = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, stop_after=1)
    partial = tmp_path / "out.jsonl.partial"
    victim = tmp_path / "victim.txt"
    victim.write_bytes(partial.read_bytes())
    partial.unlink()
    partial.symlink_to(victim)
    with pytest.raises(Exception, match="cannot"):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, resume=True)
    assert victim.read_bytes().count(b"\n") == 10  # nothing appended through the link


def test_item02_a_dangling_symlink_at_a_report_path_is_not_replaced_without_force(tmp_path,
                                                                                    capsys):
    link = tmp_path / "report.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    code = cli.main(["report", str(ROOT / "examples" / "answers.json"), "-o", str(link)])
    assert code == 2 and "already exists" in capsys.readouterr().err
    assert link.is_symlink() and not (tmp_path / "elsewhere.md").exists()
    source = good_jsonl(tmp_path)
    out_link = tmp_path / "out.jsonl"
    out_link.symlink_to(tmp_path / "gone.jsonl")
    with pytest.raises(Exception, match="already exists"):
        run_batch(source, out_link, today=FIXED_DAY)


# ------------------------------------- 3. two of input/output/errors/summary the same

@pytest.mark.parametrize("errors, summary", [
    ("out.jsonl", None),
    ("sub/../out.jsonl", None),
    ("link.jsonl", None),
    ("in.jsonl", None),
    (None, "out.errors.jsonl"),
    (None, "sub/../in.jsonl"),
])
def test_item03_the_same_file_twice_is_refused_up_front(tmp_path, capsys, errors, summary):
    source = good_jsonl(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "out.jsonl").write_text("keep me\n")
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "out.jsonl")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    args = ["batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--force"]
    args += ["--errors", str(tmp_path / errors)] if errors else []
    args += ["--summary", str(tmp_path / summary)] if summary else []
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert "are the same file" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_item03_a_hard_link_is_the_same_file(tmp_path):
    source = good_jsonl(tmp_path)
    os.link(source, tmp_path / "copy.jsonl")
    with pytest.raises(Exception, match="same file"):
        run_batch(source, tmp_path / "copy.jsonl", force=True)


def test_item03_an_unwritable_summary_is_found_before_the_run(tmp_path, capsys):
    source = good_jsonl(tmp_path)
    # /proc refuses new files even to root: the run must not start
    code = cli.main(["batch", str(source), "-o", str(tmp_path / "out.jsonl"),
                     "--summary", "/proc/summary.json"])
    err = capsys.readouterr().err
    assert code == 2 and "summary" in err and "not writable" in err
    assert not (tmp_path / "out.jsonl").exists()


# ---------------------------------------- 4. one bad record stops the whole batch

def test_item04_bad_records_become_error_rows_and_the_run_goes_on(tmp_path):
    good = json.dumps(EXAMPLE)
    source = tmp_path / "in.jsonl"
    source.write_bytes("\n".join([
        good,
        '{"age_years": ' + "9" * 5000 + "}",
        good,
        "[" * 5000 + "]" * 5000,
        '{"red_flags_now": ["seizure"], "age_years": ' + "[" * 5000 + "]" * 5000 + "}",
        good,
    ]).encode() + b'\n{"age_years": 5\xff}\n' + good.encode() + b"\n")
    summary = run_batch(source, tmp_path / "out.jsonl", today=FIXED_DAY)
    assert (summary.screened, summary.errors) == (4, 4) and summary.reconciles
    bad = read_jsonl(tmp_path / "out.errors.jsonl")
    assert [b["row"] for b in bad] == [2, 4, 5, 7]
    assert "30 digits" in bad[0]["message"] and "nested too deeply" in bad[1]["message"]
    assert bad[2]["urgent"] == ["red_flags_now=seizure"]  # found in the text
    assert "not UTF-8 text: byte 0xff" in bad[3]["message"]


def test_item04_resume_gets_past_a_bad_record(tmp_path):
    good = json.dumps(EXAMPLE)
    lines = [good] * 10 + ['{"age_years": ' + "9" * 5000 + "}"] + [good] * 9
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    output = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, stop_after=1)
    summary = run_batch(source, output, today=FIXED_DAY, chunk_size=10, resume=True)
    assert (summary.input_records, summary.screened, summary.errors) == (20, 19, 1)


def test_item04_a_csv_cell_over_the_field_limit_is_an_error_row(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years,red_flags_now\nA,50,none\n"
                      "B,50," + "x" * 200_000 + "\nC,60,none\n")
    summary = run_batch(source, tmp_path / "out.csv", today=FIXED_DAY)
    assert (summary.screened, summary.errors) == (2, 1)
    text = (tmp_path / "out.errors.csv").read_text()
    assert "field limit" in text and text.splitlines()[1].startswith("2,")


def test_item04_a_jsonl_line_over_the_size_limit_is_an_error_row(tmp_path):
    source = tmp_path / "in.jsonl"
    padding = "y" * (3 * MAX_BYTES)
    source.write_text(json.dumps(EXAMPLE) + "\n"
                      + '{"red_flags_now": ["chest_pain"], "x": "' + padding + '"}\n'
                      + '{"x": "' + padding + '", "red_flags_now": ["seizure"]}\n'
                      + json.dumps(EXAMPLE) + "\n")
    summary = run_batch(source, tmp_path / "out.jsonl", today=FIXED_DAY)
    assert (summary.screened, summary.errors, summary.errors_urgent) == (2, 2, 2)
    bad = read_jsonl(tmp_path / "out.errors.jsonl")
    assert [b["row"] for b in bad] == [2, 3] and "longer than the limit" in bad[0]["message"]
    # a red flag is found wherever it is in the line, even past the first megabyte
    assert [b["urgent"] for b in bad] == [["red_flags_now=chest_pain"], ["red_flags_now=seizure"]]


def test_item04_a_red_flag_beside_a_csv_cell_over_the_limit_is_kept(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years,red_flags_now\nA,50,none\n"
                      "B," + "9" * 200_000 + ",chest_pain\nC,60,none\n")
    summary = run_batch(source, tmp_path / "out.csv", today=FIXED_DAY)
    assert (summary.screened, summary.errors, summary.errors_urgent) == (2, 1, 1)
    assert summary.urgent_errors[0]["urgent"] == ["red_flags_now=chest_pain"]


@pytest.mark.slow  # a 40,000-key answers file: seconds
def test_item05_thousands_of_unknown_keys_are_summed_up_quickly(tmp_path, capsys):
    import time

    path = tmp_path / "keys.json"
    path.write_text(json.dumps({f"k{i}": i for i in range(40_000)}))
    started = time.monotonic()
    code, _, err = screen(capsys, path)
    assert code == 2 and "40000 invalid answers" in err and "... and 39,980 more" in err
    assert time.monotonic() - started < 30 and len(err.splitlines()) < 25


# ---------------------------------------------------------- 6. CSV formula injection

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0", "+1+1", "-1-1",
            "@SUM(1)", "\tcell"]


def test_item06_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"respondent_id": f, "age_years": 500}) + "\n"
                              for f in FORMULAS)
                      + json.dumps({FORMULAS[1]: 1}) + "\n")
    run_batch(source, tmp_path / "out.csv", today=FIXED_DAY)
    import csv

    with open(tmp_path / "out.errors.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    ids = [row[1] for row in rows[1:len(FORMULAS)]]
    assert ids[:5] == ["'" + f for f in FORMULAS[:5]]
    assert rows[-1][2] == "'" + FORMULAS[1]  # the unknown key, in the field column


# --------------------------------------------------------- 7. terminal escapes (batch)

def test_item07_batch_urgent_list_escapes_control_characters(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"respondent_id": "\x1b]0;pwned\x07\x1b[2J",
                                  "red_flags_now": ["chest_pain", "none"]}) + "\n")
    assert cli.main(["batch", str(source), "-o", str(tmp_path / "out.csv")]) == 0
    err = capsys.readouterr().err
    assert "URGENT" in err and "\x1b" not in err and "\\x1b]0;pwned\\x07" in err
    assert "\x1b" not in (tmp_path / "out.errors.csv").read_text()


# ------------------------------------------------------- 10. checkpoint tampering

def interrupted(tmp_path, count=60, chunk=10, chunks=3):
    source = good_jsonl(tmp_path, count)
    output = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=chunk, stop_after=chunks)
    return source, output, tmp_path / "out.jsonl.checkpoint.json"


def edit(path, change):
    state = json.loads(path.read_text())
    change(state)
    path.write_text(json.dumps(state))


@pytest.mark.quick_sample(2)  # each runs a batch to a checkpoint
@pytest.mark.parametrize("change", [
    lambda s: s.update(records_done=s["records_done"] + 500),
    lambda s: (s.update(records_done=s["records_done"] + 500),
               s["counts"].update(screened=s["counts"]["screened"] + 500),
               s["counts"]["by_triage"].update(urgent=s["counts"]["by_triage"].get("urgent", 0) + 500)),
    lambda s: s.update(records_done="30"),
    lambda s: s["partial_output"].update(sha256="0" * 64),
    lambda s: s.pop("counts"),
], ids=["records_done", "all-counts", "type", "hash", "missing"])
def test_item10_a_tampered_checkpoint_is_refused(tmp_path, change):
    source, output, checkpoint = interrupted(tmp_path, chunk=DEFAULT_CHUNK, count=1600)
    edit(checkpoint, change)
    with pytest.raises(BatchError, match="checkpoint does not match"):
        run_batch(source, output, today=FIXED_DAY, resume=True)
    assert not output.exists()


def test_item10_a_changed_partial_file_is_refused(tmp_path):
    source, output, _ = interrupted(tmp_path)
    partial = tmp_path / "out.jsonl.partial"
    data = partial.read_bytes()
    partial.write_bytes(data.replace(b'"triage": "', b'"triage": "x', 1))
    with pytest.raises(Exception, match="not what the interrupted run wrote|shorter"):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, resume=True)


def test_item10_an_untouched_checkpoint_resumes_to_the_same_bytes(tmp_path):
    source, output, _ = interrupted(tmp_path)
    run_batch(source, output, today=FIXED_DAY, chunk_size=10, resume=True)
    run_batch(source, tmp_path / "full.jsonl", today=FIXED_DAY, chunk_size=10)
    assert output.read_bytes() == (tmp_path / "full.jsonl").read_bytes()


# ------------------------------------------------------------------- 12. minor

def test_item12_csv_numbers_blank_rows_and_repeated_ids(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("respondent_id,age_years,red_flags_now\n"
                      "A,4_0,none\nB,\u0664\u0660,none\n,,\nD,50,none\nD,51,none\nE,+50,none\n")
    warnings = []
    summary = run_batch(source, tmp_path / "out.csv", today=FIXED_DAY, warn=warnings.append)
    assert (summary.screened, summary.errors) == (3, 3)
    text = (tmp_path / "out.errors.csv").read_text()
    assert "'4_0' is not a whole number" in text and "'\u0664\u0660' is not a whole" in text
    assert "row 3 is blank" in text
    assert any("'D' (2 times)" in w for w in warnings) and summary.warnings[-1] == warnings[-1]


# ----------------------------------------------------------- 8. orphaned workers

def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow  # a batch with worker processes, killed
@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM"])
def test_item08_workers_exit_when_the_parent_dies(tmp_path, sig):
    import signal
    import subprocess
    import sys
    import time

    source = good_jsonl(tmp_path, 30_000)
    output = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "screener", "batch", str(source), "-o",
                             str(output), "--workers", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    kids: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and \
                not (tmp_path / "out.jsonl.checkpoint.json").exists():
            time.sleep(0.05)
        kids = children_of(proc.pid)
        assert len(kids) >= 2, "the run should have started its workers"
        proc.send_signal(getattr(signal, sig))
        proc.wait(timeout=30)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(alive(k) for k in kids):
            time.sleep(0.1)
        assert not [k for k in kids if alive(k)], "workers outlived the parent"
    finally:
        for pid in [proc.pid, *kids]:  # only what this test started
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ 9. drafts (2)

def test_item09_a_second_session_gets_a_clear_message_and_changes_nothing(tmp_path, ruleset):
    from screener.errors import ScreenerError
    from screener.terminal.asker import ScriptedAsker
    from screener.terminal.drafts import Draft
    from screener.terminal.session import session

    first = DraftStore(tmp_path)
    first.save(Draft(ruleset_hash=ruleset.content_hash, answers={"age_years": 70},
                     position="sex_at_birth"))
    saved = first.path.read_bytes()
    with first.locked():
        for fresh in (False, True):  # neither overwrite nor delete the first one's draft
            asker = ScriptedAsker(answers={})
            with pytest.raises(ScreenerError, match="another screening is open"):
                session(ruleset, asker, store=DraftStore(tmp_path), fresh=fresh, today=FIXED_DAY)
            assert asker.shown == [] and first.path.read_bytes() == saved
    with DraftStore(tmp_path).locked():  # freed when the first session ended
        pass


def test_item09_a_draft_with_invalid_values_is_checked_before_any_question(tmp_path, ruleset):
    from screener.terminal.asker import ScriptedAsker
    from screener.terminal.drafts import Draft
    from screener.terminal.session import _starting_state

    store = DraftStore(tmp_path)
    store.save(Draft(ruleset_hash=ruleset.content_hash,
                     answers={"age_years": "old", "housebound": "sometimes", "nonsense": 1,
                              "sex_at_birth": "female"}, position="height_cm"))
    asker = ScriptedAsker(answers={})
    state = _starting_state(ruleset, asker, store, resume=True, fresh=False)
    assert state.answers == {"sex_at_birth": "female"}
    assert any("3 saved answer(s) cannot be used" in m for m in asker.messages)


# --------------------------------------------------------- 11. links in Markdown/HTML

@pytest.mark.parametrize("rid", ["www.evil-phish.com", "WWW.evil.com", "x.www.evil.com"])
def test_item11_respondent_ids_never_render_as_links(tmp_path, capsys, rid):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**EXAMPLE, "respondent_id": rid}))
    assert cli.main(["report", str(path), "--format", "md"]) == 0
    line = next(shown for shown in capsys.readouterr().out.splitlines()
                if "Respondent" in shown)
    assert "www." not in line.lower() and "www\\." in line.lower()


def test_item11_md_escape_breaks_gfm_autolinks():
    import re

    from screener.reports.templating import md_escape

    text = md_escape("see www.x.com, WWW.y.org, https://x.com, ftp://z.net")
    assert not re.search(r"(?i)www\.|(?<!\\)://", text)
    try:  # GitHub's own renderer, where installed (not a dependency)
        import cmarkgfm
    except ImportError:
        return
    html = cmarkgfm.github_flavored_markdown_to_html(text)
    assert "<a " not in html and "www.x.com" in html


def test_item11_rules_check_accepts_only_https_source_urls(rules_copy, capsys):
    sources = rules_copy / "sources.yaml"
    text = sources.read_text()
    first_url = next(line for line in text.splitlines() if "url:" in line)
    for bad in ("javascript:alert(1)", "http://example.org/x", "data:text/html,x"):
        sources.write_text(text.replace(first_url, f'    url: "{bad}"', 1))
        code = cli.main(["rules", "check", "--rules", str(rules_copy)])
        out = capsys.readouterr().out
        assert code == 1 and "is not an https: address" in out


def test_item11_reports_drop_source_urls_that_are_not_https(rules_copy, tmp_path):
    from screener.interop.answers_file import load_answers_file
    from screener.reports.content import build
    from screener.ruleset.loading import load_ruleset
    from screener.screening import screen as run_screen

    sources = rules_copy / "sources.yaml"
    text = sources.read_text()
    first_url = next(line for line in text.splitlines() if "url:" in line)
    sources.write_text(text.replace(first_url, '    url: "javascript:alert(1)"', 1))
    ruleset = load_ruleset(rules_copy)
    result = run_screen(load_answers_file(ROOT / "examples" / "answers.json", ruleset), ruleset)
    content = build(result, ruleset, "clinician")
    assert all(ref.url.startswith("https://") or not ref.url for ref in content.references)
