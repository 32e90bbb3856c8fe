"""Input records: cut out of a CSV or JSONL file one by one, numbered from 1 in file
order, and read for their answers.

CSV files may be a plain file or a REDCap or ODK Central export: what each column means
is worked out once from the header (``interop.records``) and carried in the Task. A
record that cannot even be cut out of the file (a JSONL line over the size limit, a row
the csv module refuses) is an ``Unreadable``: it becomes an error row like any invalid
record, and the run goes on.

Red flags always win, even in rejected records: ``red_flags_in`` finds, in a rejected
record's raw answers, every code that an urgent triage rule tests (read from the rules;
found whatever the separator or column spelling, ``red_flags``).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..answers import RESPONDENT_ID
from ..errors import AnswersError, BatchError, shown
from ..fsutil import write_private
from ..interop.records import SOURCES, ColumnsError, detect, plan
from ..interop.records import answers as answers_in_cells
from ..models import RuleSet
from ..reading import MAX_BYTES, UnreadableInput, parse_json
from ..red_flags import red_flags_in as flags_in_answers
from ..red_flags import scanner
from .output import as_cell
from .paths import format_of

if TYPE_CHECKING:
    from .worker import Task

URGENT_CHECK = "red_flags_now"  # the spec's first question: "unknown is not no"
_BOM = b"\xef\xbb\xbf"  # how Excel starts a UTF-8 file


@dataclass(frozen=True)
class Unreadable:
    """A record that could not even be cut out of the file (a JSONL line over the size
    limit, a CSV row the csv module refuses): it becomes an error row like any invalid
    record, and the run goes on. Red flags are still looked for: ``flags`` were found
    while the record was read (an over-long line is scanned piece by piece), ``cells``
    are a CSV row's text cut at every comma (to be read with the header)."""

    reason: str
    flags: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


def _lines(handle) -> Iterator[str]:
    """The file's lines as text. Bytes that are not UTF-8 are kept as escapes
    (surrogateescape), so that the record holding them is the one rejected, with its
    own number, and the records around it are screened; a UTF-8 BOM (Excel) is dropped."""
    first = True
    for raw in handle:
        if first:
            raw, first = raw.removeprefix(_BOM), False
        yield raw.decode("utf-8", "surrogateescape")


def _jsonl_lines(handle, ruleset: RuleSet) -> Iterator[str | Unreadable]:
    """JSONL lines, each read with a size limit: an over-long line is read in pieces
    (never held whole), searched for red flags piece by piece (each piece overlapping
    the last, so an answer cut in two is still seen), and becomes an Unreadable record."""
    first = True
    while line := handle.readline(MAX_BYTES + 1):
        if first:
            line, first = line.removeprefix(_BOM), False
        if len(line) > MAX_BYTES and not line.endswith(b"\n"):
            scan, flags, piece = scanner(ruleset), {}, line
            while True:
                flags.update(dict.fromkeys(scan.in_text(piece.decode("utf-8", "replace"))))
                if piece.endswith(b"\n") or not (more := handle.readline(MAX_BYTES)):
                    break
                piece = piece[-4096:] + more
            yield Unreadable(f"the record is longer than the limit of {MAX_BYTES:,} bytes "
                             "(a complete set of answers is about 2 KB)", tuple(flags))
            continue
        yield line.decode("utf-8", "surrogateescape")


class _Lines:
    """The file's lines as text (see _lines), remembering those read since ``mark()``:
    the text of a CSV row that the csv module refuses."""

    def __init__(self, handle):
        self._lines = _lines(handle)
        self.since: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.since.append(line)
        return line

    def mark(self) -> None:
        self.since = []


def read_records(path: Path, fmt: str, ruleset: RuleSet, source: str = "plain"
                 ) -> Iterator[tuple[int, Any]]:
    """(record number from 1, raw record) in file order. CSV records are the row's
    cells (a list, header checked here once); JSONL records are the line's text. A
    record that cannot be cut out is an Unreadable (an error row; the run goes on).
    Blank lines are not records."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise BatchError(f"cannot read the input: {exc.strerror}", file=str(path)) from None
    number = 0
    with handle:
        if fmt == "jsonl":
            for line in _jsonl_lines(handle, ruleset):
                if isinstance(line, Unreadable) or line.strip():
                    number += 1
                    yield number, line
            return
        lines = _Lines(handle)
        reader = csv.reader(lines)
        header = _header(reader, str(path))
        if header is None:
            return
        check_header(header, ruleset, str(path), source)
        while True:
            lines.mark()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. a cell over the csv module's field limit
                number += 1
                text = "".join(lines.since).rstrip("\r\n")
                yield number, Unreadable(f"cannot read the row: {exc}",
                                         cells=tuple(text.split(",")))
                continue
            if cells:
                number += 1
                yield number, cells


def _header(reader, source: str) -> list[str] | None:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BatchError(f"cannot read the header: {exc}", file=source, line=1) from None
    if header is not None and _not_utf8(header):
        raise BatchError("cannot read the header: it is not UTF-8 text (save the file as "
                         "UTF-8 CSV)", file=source, line=1)
    return header


def _not_utf8(cells) -> str | None:
    """The first character read from a byte that was not UTF-8, if any (such a byte
    was read as a lone surrogate, which cannot be encoded back: a fast check)."""
    for cell in [cells] if isinstance(cells, str) else cells:
        try:
            cell.encode("utf-8")
        except UnicodeEncodeError as exc:
            return cell[exc.start]
    return None


def csv_header(path: Path) -> list[str]:
    with open(path, "rb") as handle:
        return _header(csv.reader(_lines(handle)), str(path)) or []


def check_start(path: Path, fmt: str, ruleset: RuleSet, source: str = "plain"
                ) -> tuple[tuple[str, ...], tuple, list[str]]:
    """Check the input can be read before any file is created: the CSV header (UTF-8,
    known columns for ``source``, see interop.records). Returns (CSV header, what each
    column means, warnings). A JSONL line that is not UTF-8 is rejected on its own, as
    record N."""
    empty = [f"{path.name} is empty: there is nothing to screen"] \
        if path.stat().st_size == 0 else []
    if fmt == "jsonl":
        return (), (), empty
    if empty:
        return (), (), empty
    header = csv_header(path)
    try:
        columns = check_header(header, ruleset, str(path), source)
    except BatchError as exc:  # nothing is screened: the red flags must still be said
        exc.red_flags = _flags_in_refused_file(path, header, ruleset)
        raise
    warnings = []
    if header and not any(c.question == URGENT_CHECK for c in columns):
        warnings.append(f"{path.name} has no {URGENT_CHECK} column: every record is screened "
                        "without the urgent check (the rules do not escalate a missing "
                        "answer); ask these people about red flags")
    return tuple(header), columns, warnings


#: rows with a red flag named one by one when a whole file is refused (then a count)
SHOWN_FLAGGED_ROWS = 20


def _flags_in_refused_file(path: Path, header: list[str], ruleset: RuleSet) -> list[str]:
    """``row N: question=code`` for the red flags of a CSV file refused as a whole (an
    unknown or repeated column): read tolerantly, row by row, as a rejected record is."""
    flagged, more = [], 0
    id_at = header.index(RESPONDENT_ID) if RESPONDENT_ID in header else None
    with open(path, "rb") as handle:
        reader = csv.reader(_lines(handle))
        next(reader, None)  # the header
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error:
                continue  # an unreadable row: the refusal already stops the run
            if not cells:
                continue
            number += 1
            found = flags_in_answers(cells, ruleset, header=tuple(header))
            if found and len(flagged) < SHOWN_FLAGGED_ROWS:
                rid = cells[id_at].strip() if id_at is not None and id_at < len(cells) else ""
                who = f" ({RESPONDENT_ID} {shown(rid, 64)})" if rid else ""
                flagged.append(f"row {number}{who}: {', '.join(found)}")
            elif found:
                more += 1
    return flagged + ([f"and {more:,} more rows"] if more else [])


def resolve_read_as(path: Path, fmt: str, read_as: str) -> str:
    """``plain``/``redcap``/``odk`` for a CSV file (``auto``: told from its header);
    JSONL is always plain answers objects."""
    if read_as != "auto" and read_as not in SOURCES:
        raise BatchError(f"unknown source '{read_as}'; choose one of: auto, {', '.join(SOURCES)}")
    if fmt == "jsonl":
        if read_as not in ("auto", "plain"):
            raise BatchError(f"--from {read_as} reads a CSV export; this is a JSONL file, "
                             "read as answers objects (leave --from out)", file=str(path))
        return "plain"
    return detect(csv_header(path)) if read_as == "auto" else read_as


def check_header(header: list[str], ruleset: RuleSet, file: str, source: str = "plain") -> tuple:
    """What each column means (interop.records.plan); BatchError for a repeated column
    or naming every unknown column."""
    repeated = [column for column, n in Counter(header).items() if n > 1]
    if repeated:  # a record is a mapping: one of the cells (maybe a red flag) would be lost
        raise BatchError(f"column '{repeated[0]}' appears {Counter(header)[repeated[0]]} times: "
                         "each column must appear once (merge the copies)",
                         file=file, line=1, field=repeated[0])
    try:
        return plan(header, source, ruleset, file)
    except ColumnsError as exc:
        raise BatchError(exc.message, file=exc.file, line=exc.line, field=exc.field) from None


def count_records(path: Path, fmt: str) -> int:
    """Number of records (for the progress bar's ETA); a quick pass over the file.
    Bad bytes or rows are counted: the run itself reports them with their record."""
    with open(path, "rb") as handle:
        if fmt == "jsonl":
            return sum(1 for line in handle if line.strip())
        reader, count = csv.reader(_lines(handle)), 0
        while True:
            try:
                count += bool(next(reader))
            except StopIteration:
                return max(count - 1, 0)
            except csv.Error:
                count += 1


def raw_answers(raw: Any, number: int, task: Task, ruleset: RuleSet) -> Any:
    """The answers a record gives, not yet validated (a JSONL line's object, a CSV row's
    cells read by what each column means); AnswersError if there are none to read."""
    if isinstance(raw, Unreadable):
        raise AnswersError(raw.reason)
    bad = _not_utf8(raw)
    if bad:
        raise AnswersError(f"the record is not UTF-8 text: byte 0x{ord(bad) - 0xDC00:02x} "
                           "cannot be read (save the file as UTF-8)")
    if task.input_format == "jsonl":
        return parse_json(raw)
    if not any(cell.strip() for cell in raw):  # not a person who answered nothing
        raise AnswersError(f"row {number} is blank: every cell is empty")
    return answers_in_cells(raw, task.columns, task.source, ruleset, number)


def red_flags_in(raw: Any, task: Task, ruleset: RuleSet) -> list[str]:
    """``question=code`` for every urgent answer in a *rejected* record's raw answers
    (red_flags.py). A JSONL line is read with every copy of a repeated key; one
    that cannot be parsed at all (or cut out of the file) is searched as text."""
    if isinstance(raw, Unreadable):
        if raw.cells and task.header:  # read as well as it can be, cell by header
            return flags_in_answers(list(raw.cells), ruleset, header=task.header)
        return list(raw.flags)
    if task.input_format == "csv":
        return flags_in_answers(raw, ruleset, header=task.header)
    try:
        seen = parse_json(raw)
    except UnreadableInput as exc:
        seen = exc.seen
    if isinstance(seen, dict):
        return flags_in_answers(seen, ruleset)
    return scanner(ruleset).in_text(raw)


def write_input(path: str | Path, records: list[dict], ruleset: RuleSet) -> Path:
    """Write answers mappings as a batch input file (format from the extension): the
    inverse of reading, used by tests and benchmarks with generate.answer_sets."""
    path = Path(path)
    if format_of(path, "input") == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:
        columns = [RESPONDENT_ID] + list(ruleset.questions.by_id)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow([as_cell(record.get(c)) for c in columns])
        text = buffer.getvalue()
    return write_private(path, text)
