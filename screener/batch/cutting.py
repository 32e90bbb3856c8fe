"""The first two stages of reading a batch input file, whatever its format: **decode**
(the encoding told from its first bytes: UTF-16 with its BOM, as Excel saves "Unicode
text", or without one when every other byte of the first line is NUL; UTF-8 with or
without a BOM; any line end, CR-only included) and **cut** (JSONL lines with a size
limit; CSV rows with the delimiter sniffed from the header line among ``,`` ``;`` and
tab). A record that cannot be cut out cleanly is an ``Unreadable``; records.py maps
what is cut and turns an Unreadable into an error row.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import BatchError
from ..i18n import _
from ..reading import MAX_BYTES
from ..red_flags import scanner
from ..ruleset.models import RuleSet

DELIMITERS = (",", ";", "\t")  # what a CSV's columns may be separated by (sniffed)


def _escape(error: UnicodeError) -> tuple[str, int]:
    """Undecodable bytes as lone surrogates U+DC00+byte (surrogateescape, which UTF-16
    does not take): the record holding them is rejected with its own number."""
    if not isinstance(error, UnicodeDecodeError):  # a handler for reading only
        raise error
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
        raise BatchError(_("cannot read the input: {reason}").format(reason=exc.strerror),
                         file=str(path)) from None
    head = handle.read(64)
    handle.seek(0)
    return io.TextIOWrapper(handle, encoding=encoding_of(head), errors="screener-escape",
                            newline="")


def sniff_delimiter(line: str) -> str:
    """The delimiter of a CSV header line among ``,`` ``;`` and tab: the one that occurs
    most often outside quotes (a comma when none does or on a tie with it)."""
    counts: Counter[str] = Counter()
    quoted = False
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


def jsonl_lines(handle, ruleset: RuleSet) -> Iterator[str | Unreadable]:
    """JSONL lines (text, see open_text), each read with a size limit: an over-long line
    is read in pieces (never held whole), searched for red flags piece by piece (each
    piece overlapping the last, so an answer cut in two is still seen), and becomes an
    Unreadable record."""
    while line := handle.readline(MAX_BYTES + 1):
        if len(line) > MAX_BYTES and not line.endswith(("\n", "\r")):
            scan, flags, piece = scanner(ruleset), {}, line
            while True:
                flags.update(dict.fromkeys(scan.in_text(readable(piece))))
                if piece.endswith(("\n", "\r")) or not (more := handle.readline(MAX_BYTES)):
                    break
                piece = piece[-4096:] + more
            yield Unreadable(f"the record is longer than the limit of {MAX_BYTES:,} characters "
                             "(a complete set of answers is about 2 KB)", tuple(flags))
            continue
        yield line


def readable(text: str) -> str:
    """Text with its undecodable bytes (lone surrogates) shown as U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8")


class Lines:
    """A CSV file's lines as text (open_text), its delimiter sniffed from the first line,
    remembering the lines read since ``mark()``: the physical lines of one row."""

    def __init__(self, handle):
        self._handle = handle
        first = handle.readline()
        self.delimiter = sniff_delimiter(readable(first))
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


def cells_of(line: str, delimiter: str) -> list[str]:
    """One physical line's cells, read on its own (an unclosed quote ends at the line)."""
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        return line.rstrip("\r\n").split(delimiter)


def csv_records(lines: Lines, reader, width: int) -> Iterator[list[str] | Unreadable]:
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
                alone = [cells_of(line, delimiter) for line in physical]
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
                             cells=tuple(cells_of(physical[0], delimiter)))
            continue
        yield cells


def read_header(reader, source: str) -> list[str] | None:
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BatchError(_("cannot read the header: {reason}").format(reason=exc), file=source,
                         line=1) from None
    if header is not None and not_utf8(header):
        raise BatchError(_("cannot read the header: it is not UTF-8 text (save the file as "
                           "UTF-8 CSV)"), file=source, line=1)
    return header


def not_utf8(cells) -> str | None:
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
        return read_header(Lines(handle).reader(), str(path)) or []


def count_records(path: Path, fmt: str) -> int:
    """Number of records (for the progress bar's ETA); a quick pass over the file, cut
    exactly as read_records cuts it. Bad bytes or rows are counted: the run itself
    reports them with their record."""
    with open_text(path) as handle:
        if fmt == "jsonl":
            return sum(1 for line in _jsonl_count_lines(handle) if line.strip())
        lines = Lines(handle)
        reader = lines.reader()
        try:
            header = next(reader, None)
        except csv.Error:
            header = []
        if header is None:
            return 0
        return sum(1 for _ in csv_records(lines, reader, len(header)))


def _jsonl_count_lines(handle) -> Iterator[str]:
    """JSONL lines for counting, as jsonl_lines cuts them (an over-long line is read in
    pieces, never held whole, and counts once)."""
    while line := handle.readline(MAX_BYTES + 1):
        if len(line) > MAX_BYTES and not line.endswith(("\n", "\r")):
            while (more := handle.readline(MAX_BYTES)) and not more.endswith(("\n", "\r")):
                pass
            yield "an over-long line"
            continue
        yield line
