"""Input records: cut out of a CSV or JSONL file one by one, numbered from 1 in file
order, and read for their answers.

Every file goes through one funnel, whatever its format: **decode** (the encoding told
from its first bytes: UTF-16 with its BOM, as Excel saves "Unicode text", or without one
when every other byte of the first line is NUL; UTF-8 with or without a BOM; any line
end, CR-only included), **cut** (JSONL lines with a size limit; CSV rows with the
delimiter sniffed from the header line among ``,`` ``;`` and tab), **map** (what each
column means is worked out once from the header, ``interop.records``, and carried in the
Task). A record that cannot be cut out cleanly is an ``Unreadable``: it becomes an error
row like any invalid record, and the run goes on. That includes a CSV row whose quote
(``"``) runs over a line end: no answer of these formats holds a line break, so such a
row swallowed the lines after it, and each of those lines that looks like a record of
its own is an error row with its own number (output rows + error rows = the records a
person sees in the file, and the summary's counts say so).

Red flags always win, even in rejected records: ``red_flags_in`` finds, in a rejected
record's raw answers, every code that an urgent triage rule tests (read from the rules;
found whatever the separator or column spelling, ``red_flags``). A file refused as a
whole (its header cannot be read or mapped) is scanned row by row, and as raw text, for
the red flags its refusal names.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..answers import RESPONDENT_ID
from ..errors import AnswersError, BatchError, shown
from ..files import write_private
from ..interop.records import SOURCES, ColumnsError, detect, plan, twice_given
from ..interop.records import answers as answers_in_cells
from ..ruleset.models import RuleSet
from ..reading import MAX_BYTES, UnreadableInput, parse_json
from ..red_flags import red_flags_in as flags_in_answers
from ..red_flags import scanner
from .output import as_cell
from .paths import format_of

if TYPE_CHECKING:
    from .worker import Task

URGENT_CHECK = "red_flags_now"  # the spec's first question: "unknown is not no"
DELIMITERS = (",", ";", "\t")  # what a CSV's columns may be separated by (sniffed)


def _escape(error: UnicodeDecodeError) -> tuple[str, int]:
    """Undecodable bytes as lone surrogates U+DC00+byte (surrogateescape, which UTF-16
    does not take): the record holding them is rejected with its own number."""
    return "".join(chr(0xDC00 + b) for b in error.object[error.start:error.end]), error.end


codecs.register_error("screener-escape", _escape)


def encoding_of(head: bytes) -> str:
    """The encoding a file's first bytes say: a BOM first (UTF-16 either way, UTF-8),
    then UTF-16 without BOM when the first characters alternate with NUL bytes (no text
    of these formats holds a NUL), else UTF-8."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    sample = head[:64 - len(head) % 2] if len(head) >= 2 else b""
    if sample and all(b == 0 for b in sample[1::2]) and all(sample[0::2]):
        return "utf-16-le"
    if sample and all(b == 0 for b in sample[0::2]) and all(sample[1::2]):
        return "utf-16-be"
    return "utf-8"


def open_text(path: Path):
    """The file as text through the funnel's first stage (``encoding_of``), lines
    split at LF, CRLF or a lone CR and kept with their ends (what the csv module wants)."""
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise BatchError(f"cannot read the input: {exc.strerror}", file=str(path)) from None
    head = handle.read(64)
    handle.seek(0)
    return io.TextIOWrapper(handle, encoding=encoding_of(head), errors="screener-escape",
                            newline="")


def sniff_delimiter(line: str) -> str:
    """The delimiter of a CSV header line among ``,`` ``;`` and tab: the one that occurs
    most often outside quotes (a comma when none does or on a tie with it)."""
    counts, quoted = Counter(), False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in DELIMITERS:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass(frozen=True)
class Unreadable:
    """A record that could not even be cut out of the file (a JSONL line over the size
    limit, a CSV row the csv module refuses, a CSV row whose quote runs over a line end):
    it becomes an error row like any invalid record, and the run goes on. Red flags are
    still looked for: ``flags`` were found while the record was read (an over-long line
    is scanned piece by piece), ``cells`` are a CSV row's cells as well as they can be
    read (to be read with the header)."""

    reason: str
    flags: tuple[str, ...] = ()
    cells: tuple[str, ...] = ()


def _jsonl_lines(handle, ruleset: RuleSet) -> Iterator[str | Unreadable]:
    """JSONL lines (text, see open_text), each read with a size limit: an over-long line
    is read in pieces (never held whole), searched for red flags piece by piece (each
    piece overlapping the last, so an answer cut in two is still seen), and becomes an
    Unreadable record."""
    while line := handle.readline(MAX_BYTES + 1):
        if len(line) > MAX_BYTES and not line.endswith(("\n", "\r")):
            scan, flags, piece = scanner(ruleset), {}, line
            while True:
                flags.update(dict.fromkeys(scan.in_text(_readable(piece))))
                if piece.endswith(("\n", "\r")) or not (more := handle.readline(MAX_BYTES)):
                    break
                piece = piece[-4096:] + more
            yield Unreadable(f"the record is longer than the limit of {MAX_BYTES:,} characters "
                             "(a complete set of answers is about 2 KB)", tuple(flags))
            continue
        yield line


def _readable(text: str) -> str:
    """Text with its undecodable bytes (lone surrogates) shown as U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8")


class _Lines:
    """A CSV file's lines as text (open_text), its delimiter sniffed from the first line,
    remembering the lines read since ``mark()``: the physical lines of one row."""

    def __init__(self, handle):
        self._handle = handle
        first = handle.readline()
        self.delimiter = sniff_delimiter(_readable(first))
        self._pending = [first] if first else []
        self.since: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._pending.pop() if self._pending else next(self._handle)
        self.since.append(line)
        return line

    def mark(self) -> None:
        self.since = []

    def reader(self):
        return csv.reader(self, delimiter=self.delimiter)


def _cells_of(line: str, delimiter: str) -> list[str]:
    """One physical line's cells, read on its own (an unclosed quote ends at the line)."""
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        return line.rstrip("\r\n").split(delimiter)


def _csv_records(lines: _Lines, reader, width: int) -> Iterator[list[str] | Unreadable]:
    """The records after the header: a row's cells, or an Unreadable (a row the csv
    module refuses; a row over several lines, split into one per line when its lines
    look like records of their own, ``width`` cells; a quote left open). Blank lines
    are not records."""
    delimiter = lines.delimiter
    while True:
        lines.mark()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a cell over the csv module's field limit
            text = "".join(lines.since)
            yield Unreadable(f"cannot read the row: {exc}",
                             cells=tuple(text.rstrip("\r\n").split(delimiter)))
            continue
        if not cells:
            continue
        physical = [line for line in lines.since if line.strip()]
        if len(physical) > 1:
            # one record whose quoted cells hold n - 1 line breaks cuts, at each
            # delimiter, into width + n - 1 pieces; lines that are records of their own,
            # swallowed by a quote left open, cut into about width pieces each
            n = len(physical)
            pieces = sum(line.count(delimiter) + 1 for line in physical)
            if len(cells) != width or pieces != width + n - 1:
                alone = [_cells_of(line, delimiter) for line in physical]
                for index, own in enumerate(alone):
                    yield Unreadable(
                        f"a quote (\") opened in a cell is not closed before the end of its "
                        f"line, so {n} lines of the file were read as one row (this is line "
                        f"{index + 1} of {n}): each is an error row; close or remove the quote",
                        cells=tuple(own))
                continue
            yield Unreadable(f"a cell holds a line break (a quoted cell runs over {len(physical)} "
                             "lines): answers are codes, numbers, dates or ids, never several "
                             "lines", cells=tuple(cells))
            continue
        if physical and physical[0].count('"') % 2:
            yield Unreadable("a quote (\") in the row is never closed: the row cannot be cut "
                             "into cells reliably; close or remove the quote",
                             cells=tuple(_cells_of(physical[0], delimiter)))
            continue
        yield cells


def read_records(path: Path, fmt: str, ruleset: RuleSet, source: str = "plain"
                 ) -> Iterator[tuple[int, Any]]:
    """(record number from 1, raw record) in file order. CSV records are the row's
    cells (a list, header checked here once); JSONL records are the line's text. A
    record that cannot be cut out is an Unreadable (an error row; the run goes on).
    Blank lines are not records."""
    number = 0
    with open_text(path) as handle:
        if fmt == "jsonl":
            for line in _jsonl_lines(handle, ruleset):
                if isinstance(line, Unreadable) or line.strip():
                    number += 1
                    yield number, line
            return
        lines = _Lines(handle)
        reader = lines.reader()
        header = _header(reader, str(path))
        if header is None:
            return
        check_header(header, ruleset, str(path), source)
        for record in _csv_records(lines, reader, len(header)):
            number += 1
            yield number, record


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
    with open_text(path) as handle:
        return _header(_Lines(handle).reader(), str(path)) or []


def check_start(path: Path, fmt: str, ruleset: RuleSet, source: str = "plain"
                ) -> tuple[tuple[str, ...], tuple, list[str]]:
    """Check the input can be read before any file is created: the CSV header (text,
    known columns for ``source``, see interop.records). Returns (CSV header, what each
    column means, warnings). A JSONL line that is not UTF-8 is rejected on its own, as
    record N. A refusal names the red flags of the file's records (``red_flags``)."""
    empty = [f"{path.name} is empty: there is nothing to screen"] \
        if path.stat().st_size == 0 else []
    if fmt == "jsonl":
        return (), (), empty
    if empty:
        return (), (), empty
    header: list[str] | None = None
    try:
        header = csv_header(path)
        columns = check_header(header, ruleset, str(path), source)
    except BatchError as exc:  # nothing is screened: the red flags must still be said
        exc.red_flags = _flags_in_refused_file(path, header, ruleset)
        raise
    warnings = []
    if header and not any(c.question == URGENT_CHECK for c in columns):
        warnings.append(f"{path.name} has no {URGENT_CHECK} column: every record is screened "
                        "without the urgent check (the rules do not escalate a missing "
                        "answer); ask these people about red flags")
    if source == "redcap":
        for question in twice_given(columns):
            warnings.append(
                f"{path.name}: question '{question}' has a text column beside its checkbox "
                f"columns ({question}___<code>); REDCap exports a checkbox field only as "
                "checkbox columns, so this file was put together by hand: each record's two "
                "copies are compared, and a record where they disagree is an error row naming "
                "every red flag in either copy")
    return tuple(header), columns, warnings


#: rows with a red flag named one by one when a whole file is refused (then a count)
SHOWN_FLAGGED_ROWS = 20


def _flags_in_refused_file(path: Path, header: list[str] | None, ruleset: RuleSet) -> list[str]:
    """``row N: question=code`` for the red flags of a CSV file refused as a whole (an
    unknown or repeated column, a header that cannot be read): read tolerantly, row by
    row, as a rejected record is (an unreadable header is read as well as it can be);
    when no row can be read that way, the raw text is searched (question id and code
    as words)."""
    flagged, more, text = [], 0, []
    try:
        handle = open_text(path)
    except BatchError:
        return []
    with handle:
        lines = _Lines(handle)
        if header is None:  # the header itself is refused: its cells as they read
            header = _cells_of(_readable(lines._pending[0]) if lines._pending else "",
                               lines.delimiter)
            lines._pending = []
        else:
            next(lines, None)
        id_at = header.index(RESPONDENT_ID) if RESPONDENT_ID in header else None
        text.append(",".join(header))
        number = 0
        for record in _csv_records(lines, lines.reader(), len(header)):
            number += 1
            cells = [_readable(c) for c in (record.cells if isinstance(record, Unreadable)
                                            else record)]
            if sum(map(len, text)) < MAX_BYTES:
                text.append(",".join(cells))
            found = flags_in_answers(cells, ruleset, header=tuple(header))
            if found and len(flagged) < SHOWN_FLAGGED_ROWS:
                rid = cells[id_at].strip() if id_at is not None and id_at < len(cells) else ""
                who = f" ({RESPONDENT_ID} {shown(rid, 64)})" if rid else ""
                flagged.append(f"row {number}{who}: {', '.join(found)}")
            elif found:
                more += 1
    if not flagged and (found := scanner(ruleset).in_text("\n".join(text))):
        flagged.append(f"somewhere in the file: {', '.join(found)}")
    return flagged + ([f"and {more:,} more rows"] if more else [])


def resolve_read_as(path: Path, fmt: str, read_as: str) -> str:
    """``plain``/``redcap``/``odk`` for a CSV file (``auto``: told from its header, and
    ``plain`` when the header cannot be read: check_start then refuses the file naming
    its red flags); JSONL is always plain answers objects."""
    if read_as != "auto" and read_as not in SOURCES:
        raise BatchError(f"unknown source '{read_as}'; choose one of: auto, {', '.join(SOURCES)}")
    if fmt == "jsonl":
        if read_as not in ("auto", "plain"):
            raise BatchError(f"--from {read_as} reads a CSV export; this is a JSONL file, "
                             "read as answers objects (leave --from out)", file=str(path))
        return "plain"
    if read_as != "auto":
        return read_as
    try:
        return detect(csv_header(path))
    except BatchError:
        if not path.is_file():
            raise
        return "plain"


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
    """Number of records (for the progress bar's ETA); a quick pass over the file, cut
    exactly as read_records cuts it. Bad bytes or rows are counted: the run itself
    reports them with their record."""
    with open_text(path) as handle:
        if fmt == "jsonl":
            return sum(1 for line in _jsonl_count_lines(handle) if line.strip())
        lines = _Lines(handle)
        reader = lines.reader()
        try:
            header = next(reader, None)
        except csv.Error:
            header = []
        if header is None:
            return 0
        return sum(1 for _ in _csv_records(lines, reader, len(header)))


def _jsonl_count_lines(handle) -> Iterator[str]:
    """JSONL lines for counting, as _jsonl_lines cuts them (an over-long line is read in
    pieces, never held whole, and counts once)."""
    while line := handle.readline(MAX_BYTES + 1):
        if len(line) > MAX_BYTES and not line.endswith(("\n", "\r")):
            while (more := handle.readline(MAX_BYTES)) and not more.endswith(("\n", "\r")):
                pass
            yield "an over-long line"
            continue
        yield line


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
