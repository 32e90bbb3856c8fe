"""Issue 15, one regression test (or a few) per numbered item, named after it.

Each attack is reproduced as the red team found it; the test says what must happen
instead: a result, or exit 2 with one paragraph, never a traceback, a hang, a write
outside the requested paths, or a lost red flag.
"""

from __future__ import annotations

import json
import os

import pytest

from screener import cli
from screener.batch import run_batch
from screener.drafts import DraftStore
from screener.errors import AnswersError
from screener.reading import MAX_BYTES

from conftest import FIXED_DAY, ROOT

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
    assert code == 2 and "red_flags_now=seizure" in err.split("\n")[1]


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
