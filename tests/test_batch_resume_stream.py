"""`screener batch --resume` checks the partial files in bounded memory: each is read
once in small pieces, hashed and its rows counted as it goes (checkpoint.verify_partials),
with the same counts and refusals as when the whole file was read and decoded."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import FIXED_DAY, ROOT, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from screener.authoring.generate import answer_sets
from screener.batch import BatchError, checkpoint, paths_for, run_batch, write_input


def whole_file_count(data: bytes, fmt: str) -> int:
    """The count as it was (the whole prefix decoded at once): the oracle."""
    text = data.decode("utf-8", "replace")
    if fmt == "jsonl":
        return sum(1 for line in text.split("\n") if line.strip())
    return max(sum(1 for cells in csv.reader(io.StringIO(text, newline="")) if cells) - 1, 0)


#: what makes rows hard to count: line ends of every kind (also cut between "\r" and
#: "\n"), quotes, white space that is not a line end, multi-byte characters cut between
#: pieces, and bytes that are not UTF-8
PART = st.sampled_from([b"a", b",", b'"', b"\n", b"\r", b"\r\n", b" ", b"\t", b"x,y\n",
                        b'"q\nq",1\n', "\u2028".encode(), "\x85".encode(), "\u3000".encode(),
                        "é".encode(), "\U0001F600".encode(), b"\xff", b"\xe2\x80", b"\x00",
                        b"{}", b'{"a": "b"}\n'])


@settings(max_examples=examples(300), deadline=None)
@given(parts=st.lists(PART, max_size=60), piece=st.integers(1, 9), cut=st.integers(0, 20),
       fmt=st.sampled_from(["csv", "jsonl"]))
def test_rows_are_counted_piece_by_piece_as_in_the_whole_text(parts, piece, cut, fmt):
    data = b"".join(parts)
    limit = max(len(data) - cut, 0)  # only the checkpointed length is read
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checkpoint, "_PIECE", piece)
        prefix = checkpoint._HashedPrefix(io.BytesIO(data + b"more,rows\n"), limit)
        found = checkpoint._count_rows(prefix, fmt)
        prefix.drain()
    assert found == whole_file_count(data[:limit], fmt)
    assert prefix.size == limit
    assert prefix.digest.hexdigest() == hashlib.sha256(data[:limit]).hexdigest()


def _interrupted(tmp_path, ruleset, rows=40):
    source = write_input(tmp_path / "in.jsonl", answer_sets(ruleset, rows, seed=2), ruleset)
    output = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, stop_after=2)
    return source, output


def test_a_changed_partial_that_csv_cannot_read_is_refused_as_changed(tmp_path, ruleset):
    """The hash is checked over the whole prefix before any fault of the CSV reader is
    said: a field over the reader's limit written into the partial is a changed file."""
    source, output = _interrupted(tmp_path, ruleset)
    partial, _ = paths_for(output)
    size = partial.stat().st_size
    data = partial.read_bytes()
    partial.write_bytes(data[:40] + b'"' + b"x" * (size + 200_000) + b'"\n')
    with pytest.raises(BatchError, match="is not what the interrupted run wrote"):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, resume=True)


def test_a_partial_cut_short_is_still_refused_after_a_streamed_read(tmp_path, ruleset):
    from screener.errors import OutputError

    source, output = _interrupted(tmp_path, ruleset)
    partial, _ = paths_for(output)
    data = partial.read_bytes()
    os.truncate(partial, len(data) - 1)  # one byte short: found only once all is read
    with pytest.raises(OutputError, match="shorter than its checkpoint"):
        run_batch(source, output, today=FIXED_DAY, chunk_size=10, resume=True)


# The resume runs in a child: the peak of its own resident memory (VmHWM) is taken just
# before and just after the partial files are checked.
_CHILD = textwrap.dedent("""
    import re, sys
    from pathlib import Path
    from screener.batch import run, run_batch
    import datetime as dt

    def hwm_kib():
        return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1))

    checked = run.verify_partials
    grew = []

    def measured(*args):
        before = hwm_kib()
        checked(*args)
        grew.append(hwm_kib() - before)

    run.verify_partials = measured
    summary = run_batch(sys.argv[1], sys.argv[2], today=dt.date(2025, 6, 15),
                        chunk_size=int(sys.argv[3]), resume=True, rule_engine="python")
    print("resumed_at", summary.resumed_at, "grew_kib", *grew)
""")


@pytest.mark.slow  # 100,000 records screened, and a child process
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads /proc")
def test_resuming_a_large_partial_checks_it_in_bounded_memory_and_finishes_it(tmp_path,
                                                                               ruleset):
    records, chunk, stop = 52_000, 1_000, 50  # 50,000 records in the partial files
    sets = answer_sets(ruleset, records, seed=11)
    for n in range(0, records, 997):  # rejected, echoing line separators into the errors
        sets[n] = dict(sets[n], respondent_id=f"bad-{n}", red_flags_now='a\nb\r\nc\u2028d\x85"e')
    source = write_input(tmp_path / "in.jsonl", sets, ruleset)
    del sets
    full, output = tmp_path / "full.csv", tmp_path / "out.csv"
    run_batch(source, full, today=FIXED_DAY, chunk_size=chunk, rule_engine="python")
    with pytest.raises(KeyboardInterrupt):
        run_batch(source, output, today=FIXED_DAY, chunk_size=chunk, stop_after=stop,
                  rule_engine="python")
    partial, _ = paths_for(output)
    assert partial.stat().st_size > 10_000_000  # the whole of it decoded: ~40 MB more
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(source), str(output), str(chunk)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    words = proc.stdout.split()
    assert words[:2] == ["resumed_at", str(stop * chunk)]
    grew = int(words[3])
    assert grew < 4 * 1024, f"checking the partial files took {grew / 1024:.1f} MB more"
    assert output.read_bytes() == full.read_bytes()
    errors = tmp_path / "out.errors.csv"
    assert errors.read_bytes() == (tmp_path / "full.errors.csv").read_bytes()
    text = errors.read_text(encoding="utf-8")
    assert "'a\nb" in text and "\u2028" in text  # rows over several lines, counted as one
