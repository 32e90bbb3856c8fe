"""Input records: cut out of a CSV or JSONL file one by one, numbered from 1 in file
order, and read for their answers.

Every file goes through one funnel, whatever its format: **decode** and **cut**
(cutting.py: the encoding told from the first bytes, JSONL lines with a size limit, CSV
rows with a sniffed delimiter), then **map** (here: what each column means is worked
out once from the header, ``interop.records``, and carried in the Task). A record that
cannot be cut out cleanly is an ``Unreadable``: it becomes an error row like any
invalid record, and the run goes on. That includes a CSV row whose quote
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

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..answers import RESPONDENT_ID
from ..errors import AnswersError, BatchError, shown
from ..files import write_private
from ..i18n import _
from ..interop.records import (
    SOURCES,
    ColumnsError,
    detect,
    plan,
    twice_given,
)
from ..interop.records import (
    answers as answers_in_cells,
)
from ..reading import MAX_BYTES, UnreadableInput, parse_json
from ..red_flags import red_flags_in as flags_in_answers
from ..red_flags import scanner
from ..ruleset.models import RuleSet
from .cutting import (
    Lines,
    Unreadable,
    cells_of,
    csv_header,
    csv_records,
    jsonl_lines,
    not_utf8,
    open_text,
    read_header,
    readable,
)
from .output import as_cell
from .paths import format_of
from .task import Task

URGENT_CHECK = "red_flags_now"  # the spec's first question: "unknown is not no"


def read_records(path: Path, fmt: str, ruleset: RuleSet, source: str = "plain"
                 ) -> Iterator[tuple[int, Any]]:
    """(record number from 1, raw record) in file order. CSV records are the row's
    cells (a list, header checked here once); JSONL records are the line's text. A
    record that cannot be cut out is an Unreadable (an error row; the run goes on).
    Blank lines are not records."""
    number = 0
    with open_text(path) as handle:
        if fmt == "jsonl":
            for line in jsonl_lines(handle, ruleset):
                if isinstance(line, Unreadable) or line.strip():
                    number += 1
                    yield number, line
            return
        lines = Lines(handle)
        reader = lines.reader()
        header = read_header(reader, str(path))
        if header is None:
            return
        check_header(header, ruleset, str(path), source)
        for record in csv_records(lines, reader, len(header)):
            number += 1
            yield number, record


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
    flagged: list[str] = []
    text: list[str] = []
    more = 0
    try:
        handle = open_text(path)
    except BatchError:
        return []
    with handle:
        lines = Lines(handle)
        first = next(lines, "")  # the header line
        if header is None:  # the header itself is refused: its cells as they read
            header = cells_of(readable(first), lines.delimiter)
        id_at = header.index(RESPONDENT_ID) if RESPONDENT_ID in header else None
        text.append(",".join(header))
        number = 0
        for record in csv_records(lines, lines.reader(), len(header)):
            number += 1
            cells = [readable(c) for c in (record.cells if isinstance(record, Unreadable)
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
        raise BatchError(_("unknown source '{name}'; choose one of: {names}").format(
            name=read_as, names=", ".join(("auto", *SOURCES))))
    if fmt == "jsonl":
        if read_as not in ("auto", "plain"):
            raise BatchError(_("--from {name} reads a CSV export; this is a JSONL file, read "
                               "as answers objects (leave --from out)").format(name=read_as),
                             file=str(path))
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
        raise BatchError(_("column '{column}' appears {count} times: each column must appear "
                           "once (merge the copies)").format(
                               column=repeated[0], count=Counter(header)[repeated[0]]),
                         file=file, line=1, field=repeated[0])
    try:
        return plan(header, source, ruleset, file)
    except ColumnsError as exc:
        raise BatchError(exc.message, file=exc.file, line=exc.line, field=exc.field) from None


def raw_answers(raw: Any, number: int, task: Task, ruleset: RuleSet) -> Any:
    """The answers a record gives, not yet validated (a JSONL line's object, a CSV row's
    cells read by what each column means); AnswersError if there are none to read."""
    if isinstance(raw, Unreadable):
        raise AnswersError(raw.reason)
    bad = not_utf8(raw)
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
