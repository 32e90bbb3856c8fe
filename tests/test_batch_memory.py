"""`screener batch` at a million records: the end-of-run check for repeated respondent
ids counts them on disk (output.repeated_ids, a temporary SQLite database) instead of in
a Python Counter, with the same warning, and leaves no file behind."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.batch.output import repeated_ids
from screener.errors import shown


def counter_warning(output: Path, out_fmt: str, errors: Path, err_fmt: str) -> list[str]:
    """The check as it was (every id in a Counter): the oracle for the new one."""
    ids: Counter = Counter()
    for path, fmt in ((output, out_fmt), (errors, err_fmt)):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = (json.loads(line) for line in handle if line.strip()) if fmt == "jsonl" \
                else csv.DictReader(handle)
            ids.update(str(row.get("respondent_id", "")) for row in rows)
    repeated = [(rid, n) for rid, n in ids.items() if n > 1 and rid]
    if not repeated:
        return []
    shown_ids = ", ".join(f"'{shown(rid, 64)}' ({n} times)" for rid, n in repeated[:5])
    more = f" and {len(repeated) - 5:,} more" if len(repeated) > 5 else ""
    return [f"{len(repeated):,} respondent id(s) are given to more than one record: "
            f"{shown_ids}{more}; their rows cannot be told apart by id"]


def write_rows(path: Path, fmt: str, ids: list, extra: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        if fmt == "jsonl":
            for rid in ids:
                handle.write(json.dumps({"respondent_id": rid, extra: 1}, ensure_ascii=False) + "\n")
        else:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["respondent_id", extra])
            writer.writerows([rid, 1] for rid in ids)


#: ids as they come: empty, repeated, non-ASCII, quotes and separators, a number or
#: null in JSONL (counted as their str, as before)
ID = st.sampled_from(["", "A", "a", "B", "é", "e\u0301", "x,y", 'q"q', "line\nbreak",
                      "\u2028", "\U0001F600", " A", "=1+1", "7", "10"])
JSON_ONLY = st.sampled_from([7, None, "nul\x00", True])


@settings(max_examples=examples(150), deadline=None)
@given(out_ids=st.lists(st.one_of(ID, JSON_ONLY), max_size=40),
       err_ids=st.lists(st.one_of(ID, JSON_ONLY), max_size=20),
       out_fmt=st.sampled_from(["csv", "jsonl"]), err_fmt=st.sampled_from(["csv", "jsonl"]))
def test_repeated_ids_warns_exactly_as_the_counter_did(tmp_path_factory, out_ids, err_ids,
                                                      out_fmt, err_fmt):
    folder = tmp_path_factory.mktemp("ids")
    # CSV cells are text: JSON-only values are written as JSONL only
    out_ids = [v if out_fmt == "jsonl" or isinstance(v, str) and "\x00" not in v else "A"
               for v in out_ids]
    err_ids = [v if err_fmt == "jsonl" or isinstance(v, str) and "\x00" not in v else "B"
               for v in err_ids]
    output, errors = folder / f"out.{out_fmt}", folder / f"errors.{err_fmt}"
    write_rows(output, out_fmt, out_ids, "triage")
    write_rows(errors, err_fmt, err_ids, "row")
    assert repeated_ids(output, out_fmt, errors, err_fmt) == \
        counter_warning(output, out_fmt, errors, err_fmt)


def test_more_than_five_repeated_ids_are_counted_and_named_in_first_order(tmp_path):
    output, errors = tmp_path / "out.csv", tmp_path / "out.errors.jsonl"
    ids = [f"id{n % 8}" for n in range(24)] + ["solo", "", "", ""]
    write_rows(output, "csv", ids, "triage")
    write_rows(errors, "jsonl", ["id7", "late", "late", None], "row")
    [warning] = repeated_ids(output, "csv", errors, "jsonl")
    assert warning == ("9 respondent id(s) are given to more than one record: 'id0' (3 times), "
                       "'id1' (3 times), 'id2' (3 times), 'id3' (3 times), 'id4' (3 times) and "
                       "4 more; their rows cannot be told apart by id")
    assert [warning] == counter_warning(output, "csv", errors, "jsonl")


def test_no_repeated_id_is_no_warning(tmp_path):
    output, errors = tmp_path / "out.jsonl", tmp_path / "out.errors.csv"
    write_rows(output, "jsonl", ["a", "b", ""], "triage")
    write_rows(errors, "csv", ["c", ""], "row")
    assert repeated_ids(output, "jsonl", errors, "csv") == []


# The id counts spill to SQLite's own temporary files (0600, unlinked at once) in the
# folder SQLITE_TMPDIR names, which SQLite reads once per process: hence a child.
_CHILD = textwrap.dedent("""
    import os, re, stat, sys
    from pathlib import Path
    from screener.batch.output import _IdCounts, repeated_ids

    def hwm_kib():
        return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))

    folder, records = Path(sys.argv[1]), int(sys.argv[2])
    out, err = folder / "out.csv", folder / "out.errors.csv"
    with open(out, "w", encoding="utf-8") as handle:
        handle.write("respondent_id,triage\\n")
        for n in range(records):
            handle.write(f"respondent-{n * 7919 % records:012d},routine\\n")  # shuffled
    err.write_text("row,respondent_id\\n1,respondent-000000000000\\n", encoding="utf-8")
    spill = Path(os.environ["SQLITE_TMPDIR"])
    with _IdCounts() as counts:  # while the ids are held: where are they?
        counts.add(f"id-{n}" for n in range(records))
        held = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith(str(spill)):
                held.append((target, stat.S_IMODE(os.stat(f"/proc/self/fd/{fd}").st_mode)))
        print("held", held, "listed", os.listdir(spill))
    before = hwm_kib()
    warnings = repeated_ids(out, "csv", err, "csv")
    print("grew_kib", hwm_kib() - before, "left", os.listdir(spill))
    print("warnings", warnings)
""")


@pytest.mark.slow  # a child process counting 300,000 ids
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc")
def test_ids_are_counted_on_disk_in_private_unlinked_files_and_memory_stays_flat(tmp_path):
    spill = tmp_path / "sqlite-tmp"
    spill.mkdir()
    records = 300_000  # in a Counter: ~28 MB more at the peak
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path), str(records)],
                          capture_output=True, text=True, cwd=ROOT, timeout=240,
                          env={**os.environ, "SQLITE_TMPDIR": str(spill)})
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    held, listed = lines["held"].split(" listed ")
    held = eval(held)  # noqa: S307 - our own child's repr
    assert held, "the ids never spilled to disk"
    assert all(target.endswith("(deleted)") and mode == 0o600 for target, mode in held), held
    assert listed == "[]"  # unlinked as soon as opened: nothing to find, nothing to leave
    grew, left = lines["grew_kib"].split(" left ")
    assert int(grew) < 10 * 1024, f"the check took {int(grew) / 1024:.1f} MB more"
    assert left == "[]"
    assert lines["warnings"] == repr(["1 respondent id(s) are given to more than one record: "
                                      "'respondent-000000000000' (2 times); their rows cannot "
                                      "be told apart by id"])
