"""Batch screening: many records in (CSV or JSONL), one row per record out, in order.

CSV files may be a plain file or a REDCap or ODK Central export: what each column means
is worked out once from the header (``interop.records``) and carried in the Task.

Nothing is lost: a record that fails validation goes to the errors file with its row
number, respondent id, field and message, and the run goes on; output rows + error rows
always equal input records. No I/O happens outside ``run_batch`` and nothing is printed:
progress goes to a callback, the summary is returned.

Speed and safety (see engineering notes and benchmarks/README.md):
- records are cut into chunks; ``process_chunk`` converts, validates, screens and
  formats one chunk and is the one per-partition function every executor runs;
- ``--workers N`` uses N *processes* (spawned), each loading the ruleset and building
  its one engine once in an initializer; never threads on one engine;
- ``--engine dask`` submits the same function to a Dask cluster;
- results are written in input order whatever the number of workers, so the output is
  byte-identical for any N.

Interrupted runs: the output is written to ``OUTPUT.partial`` (and ``ERRORS.partial``),
both private (0600). After every chunk both are flushed to disk and a checkpoint
``OUTPUT.checkpoint.json`` records how many input records are done and the byte length
of each partial file. ``--resume`` checks that the input, the ruleset and the options
are unchanged, cuts the partial files back to the checkpointed lengths, skips the
records already done and goes on. At the end the partial files are renamed into place
and the checkpoint removed. The input's header (CSV) or first line (JSONL) is checked
before any partial file exists, and a run that fails before its first checkpoint
removes the partial files it created (there is nothing to resume).

Red flags always win, even in rejected records: an invalid record whose raw answers
hold a code that an urgent triage rule tests (read from the rules; found whatever the
separator or column spelling, ``red_flags``) is marked in the errors file's
``urgent`` column, counted and named in the summary. Records screened
without an answer to the urgent check (``red_flags_now``) are counted too: unknown is
not "no", even though the rules do not escalate a missing answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
import threading
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .answers import RESPONDENT_ID, validate_answers
from .errors import AnswersError, OutputError, ScreenerError, shown
from .fsutil import exists_message, write_private
from .loading import load_ruleset
from .models import TRIAGE_ORDER, RuleSet

INPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
ERROR_COLUMNS = ["row", "respondent_id", "field", "message", "urgent"]
URGENT_CHECK = "red_flags_now"  # the spec's first question: "unknown is not no"
MAX_NAMED = 50  # urgent error records kept by row in the summary (all are in the errors file)
CHECKPOINT_VERSION = 4  # 2: errors file has the "urgent" column; 3: read_as; 4: sha256 and rows checked
DEFAULT_CHUNK = 500


class BatchError(ScreenerError):
    """A batch run cannot start or go on (bad file, stale checkpoint...)."""


# ------------------------------------------------------------------------ summary

@dataclass
class Summary:
    input_records: int = 0
    screened: int = 0
    errors: int = 0
    by_triage: Counter = field(default_factory=Counter)
    by_factor: Counter = field(default_factory=Counter)
    output: str = ""
    errors_file: str = ""
    ruleset_hash: str = ""
    resumed_at: int = 0  # records already done when this run resumed
    incomplete: int = 0  # screened records with too few answers (spec 5)
    errors_urgent: int = 0  # rejected records whose raw answers hold a red flag
    urgent_errors: list = field(default_factory=list)  # the first MAX_NAMED of them
    urgent_check_unanswered: int = 0  # screened records without red_flags_now
    warnings: list = field(default_factory=list)
    read_as: str = "plain"  # CSV input: plain, redcap or odk (interop.records)

    def add(self, part: dict) -> None:
        self.screened += part["screened"]
        self.errors += part["errors"]
        self.input_records += part["screened"] + part["errors"]
        self.by_triage.update(part["by_triage"])
        self.by_factor.update(part["by_factor"])
        self.incomplete += part.get("incomplete", 0)
        self.errors_urgent += part.get("errors_urgent", 0)
        room = MAX_NAMED - len(self.urgent_errors)
        self.urgent_errors.extend(part.get("urgent_errors", [])[:max(room, 0)])
        self.urgent_check_unanswered += part.get("urgent_check_unanswered", 0)

    def counts(self) -> dict:
        """What a checkpoint keeps to rebuild this summary on --resume."""
        return {"screened": self.screened, "errors": self.errors,
                "by_triage": dict(self.by_triage), "by_factor": dict(self.by_factor),
                "incomplete": self.incomplete, "errors_urgent": self.errors_urgent, "urgent_errors": self.urgent_errors,
                "urgent_check_unanswered": self.urgent_check_unanswered}

    @property
    def reconciles(self) -> bool:
        return self.screened + self.errors == self.input_records

    def as_dict(self, ruleset: RuleSet | None = None) -> dict:
        def pct(n: int) -> float:
            return round(100 * n / self.screened, 2) if self.screened else 0.0
        factors = list(ruleset.factors) if ruleset else sorted(self.by_factor)
        return {
            "input_records": self.input_records, "screened": self.screened,
            "errors": self.errors, "reconciles": self.reconciles,
            "errors_with_red_flag": self.errors_urgent,
            "errors_with_red_flag_named": self.urgent_errors,
            "urgent_check_unanswered": self.urgent_check_unanswered,
            "triage": {lvl: {"count": self.by_triage.get(lvl, 0),
                             "percent": pct(self.by_triage.get(lvl, 0))}
                       for lvl in TRIAGE_ORDER},
            "incomplete": {"count": self.incomplete, "percent": pct(self.incomplete)},
            "factors": {fid: {"count": self.by_factor.get(fid, 0),
                              "percent": pct(self.by_factor.get(fid, 0))} for fid in factors},
            "output": self.output, "errors_file": self.errors_file,
            "ruleset_hash": self.ruleset_hash, "resumed_at": self.resumed_at,
            "read_as": self.read_as,
            "warnings": self.warnings,
        }


# ------------------------------------------------------------------ reading input

def format_of(path: str | Path, what: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in INPUT_FORMATS:
        raise BatchError(f"cannot tell the {what} format from '{suffix or 'no extension'}': "
                         f"name it {' or '.join(INPUT_FORMATS)}", file=str(path))
    return INPUT_FORMATS[suffix]


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
            raw, first = raw.removeprefix(b"\xef\xbb\xbf"), False
        yield raw.decode("utf-8", "surrogateescape")


def _jsonl_lines(handle, ruleset: RuleSet) -> Iterator[str | Unreadable]:
    """JSONL lines, each read with a size limit: an over-long line is read in pieces
    (never held whole), searched for red flags piece by piece (each piece overlapping
    the last, so an answer cut in two is still seen), and becomes an Unreadable record."""
    from .red_flags import scanner
    from .reading import MAX_BYTES

    first = True
    while line := handle.readline(MAX_BYTES + 1):
        if first:
            line, first = line.removeprefix(b"\xef\xbb\xbf"), False
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
    if fmt == "jsonl":
        return (), (), []
    header = csv_header(path)
    columns = check_header(header, ruleset, str(path), source)
    warnings = []
    if header and not any(c.question == URGENT_CHECK for c in columns):
        warnings.append(f"{path.name} has no {URGENT_CHECK} column: every record is screened "
                        "without the urgent check (the rules do not escalate a missing "
                        "answer); ask these people about red flags")
    return tuple(header), columns, warnings


def resolve_read_as(path: Path, fmt: str, read_as: str) -> str:
    """``plain``/``redcap``/``odk`` for a CSV file (``auto``: told from its header);
    JSONL is always plain answers objects."""
    from .interop.records import SOURCES, detect

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
    from .interop.records import ColumnsError, plan

    repeated = [column for column, n in Counter(header).items() if n > 1]
    if repeated:  # a record is a mapping: one of the cells (maybe a red flag) would be lost
        raise BatchError(f"column '{repeated[0]}' appears {Counter(header)[repeated[0]]} times: "
                         "each column must appear once (merge the copies)",
                         file=file, line=1, field=repeated[0])
    try:
        return plan(header, source, ruleset, file)
    except ColumnsError as exc:
        raise BatchError(exc.message, file=exc.file, line=exc.line, field=exc.field) from None


# ------------------------------------------------------ the per-partition function

_worker: dict[str, Any] = {}
_engine_lock = threading.Lock()  # a Dask worker may run threads: one engine, one at a time


def init_worker(rules_dir: str | None, ruleset_hash: str) -> RuleSet:
    """Load the ruleset and build this process's one engine (once per process)."""
    if _worker.get("hash") != ruleset_hash:
        from .engine import engine_for

        ruleset = load_ruleset(rules_dir)
        if ruleset.content_hash != ruleset_hash:
            raise BatchError(f"the rules in {ruleset.folder} differ from the ones this run started "
                             "with (every worker must see the same rules folder)")
        engine_for(ruleset)
        _worker.update(hash=ruleset_hash, ruleset=ruleset)
    return _worker["ruleset"]


@dataclass(frozen=True)
class Task:
    """Everything a worker needs besides the records (small, pickled with each chunk)."""

    rules_dir: str | None  # None: the shipped rules of the worker's own installation
    ruleset_hash: str
    input_format: str
    output_format: str
    error_format: str
    today: str  # ISO date for records without screened_on
    header: tuple[str, ...] = ()
    source: str = "plain"  # CSV: plain, redcap or odk (interop.records)
    columns: tuple = ()  # CSV: what each header column means (interop.records.Column)


def process_chunk(task: Task, records: list[tuple[int, Any]]) -> dict:
    """Screen one chunk: formatted output and error text plus counts, in chunk order."""
    from .screening import triage_summary

    ruleset = init_worker(task.rules_dir, task.ruleset_hash)
    today = dt.date.fromisoformat(task.today)
    out, err = io.StringIO(), io.StringIO()
    write_row = _writer(out, task.output_format, _output_columns(ruleset))
    write_error = _writer(err, task.error_format, ERROR_COLUMNS)
    by_triage, by_factor = Counter(), Counter()
    incomplete = 0
    screened = unanswered = 0
    urgent_errors: list[dict] = []
    rid_column = next((i for i, c in enumerate(task.columns) if c.kind == RESPONDENT_ID), None)
    for number, raw in records:
        rid = str(number)
        if isinstance(raw, list) and rid_column is not None and rid_column < len(raw) \
                and raw[rid_column].strip():
            rid = raw[rid_column].strip()
        try:
            answers_raw = _to_answers(raw, number, task, ruleset)
            if isinstance(answers_raw, dict) and isinstance(answers_raw.get(RESPONDENT_ID), str):
                rid = answers_raw[RESPONDENT_ID]
            answers = validate_answers(answers_raw, ruleset, today=today)
        except AnswersError as exc:
            message = "; ".join(exc.problems) if exc.problems else exc.message
            found = red_flags_in(raw, task, ruleset)
            rid = shown(rid, 64)  # a rejected record's id is untrusted text
            write_error({"row": number, "respondent_id": rid, "field": shown(exc.field or ""),
                         "message": message, "urgent": found})
            if found:
                urgent_errors.append({"row": number, "respondent_id": rid, "urgent": found})
            continue
        if not answers.values.get(URGENT_CHECK):  # missing key or blank cell
            unanswered += 1
        with _engine_lock:
            level, strengths, notes, complete = triage_summary(answers, ruleset)
        row = {"respondent_id": answers.respondent_id or rid, "triage": level,
               "complete": complete, "factors": list(strengths), "notes": notes,
               "ruleset_hash": ruleset.content_hash}
        incomplete += not complete
        for fid in ruleset.factors:
            row[f"{fid}_strength"] = strengths.get(fid)
        write_row(row)
        screened += 1
        by_triage[level] += 1
        by_factor.update(list(strengths))
    return {"output": out.getvalue(), "error_text": err.getvalue(), "screened": screened,
            "errors": len(records) - screened, "by_triage": dict(by_triage),
            "by_factor": dict(by_factor), "incomplete": incomplete,
            "errors_urgent": len(urgent_errors),
            "urgent_errors": urgent_errors, "urgent_check_unanswered": unanswered}


def red_flags_in(raw: Any, task: Task, ruleset: RuleSet) -> list[str]:
    """``question=code`` for every urgent answer in a *rejected* record's raw answers
    (red_flags.py). A JSONL line is read with every copy of a repeated key; one
    that cannot be parsed at all (or cut out of the file) is searched as text."""
    from .red_flags import red_flags_in as scan, scanner
    from .reading import UnreadableInput, parse_json

    if isinstance(raw, Unreadable):
        if raw.cells and task.header:  # read as well as it can be, cell by header
            return scan(list(raw.cells), ruleset, header=task.header)
        return list(raw.flags)
    if task.input_format == "csv":
        return scan(raw, ruleset, header=task.header)
    try:
        seen = parse_json(raw)
    except UnreadableInput as exc:
        seen = exc.seen
    if isinstance(seen, dict):
        return scan(seen, ruleset)
    return scanner(ruleset).in_text(raw)


def _to_answers(raw: Any, number: int, task: Task, ruleset: RuleSet) -> Any:
    if isinstance(raw, Unreadable):
        raise AnswersError(raw.reason)
    bad = _not_utf8(raw)
    if bad:
        raise AnswersError(f"the record is not UTF-8 text: byte 0x{ord(bad) - 0xDC00:02x} "
                           "cannot be read (save the file as UTF-8)")
    if task.input_format == "jsonl":
        from .reading import parse_json

        return parse_json(raw)
    if not any(cell.strip() for cell in raw):  # not a person who answered nothing
        raise AnswersError(f"row {number} is blank: every cell is empty")
    from .interop.records import answers

    return answers(raw, task.columns, task.source, ruleset, number)


def _output_columns(ruleset: RuleSet) -> list[str]:
    return (["respondent_id", "triage", "complete", "factors"]
            + [f"{fid}_strength" for fid in ruleset.factors] + ["notes", "ruleset_hash"])


def _writer(buffer: io.StringIO, fmt: str, columns: list[str]) -> Callable[[dict], None]:
    if fmt == "jsonl":
        def write(row: dict) -> None:
            buffer.write(json.dumps({c: row[c] for c in columns}, ensure_ascii=False) + "\n")
        return write
    writer = csv.writer(buffer, lineterminator="\n")

    def write_csv(row: dict) -> None:
        writer.writerow([safe_cell(_cell(row[c])) for c in columns])
    return write_csv


def _cell(value: Any) -> Any:
    """A value as a CSV cell: lists ';'-separated (as read), None empty, booleans as in
    JSON (true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return ";".join(value) if isinstance(value, list) else ("" if value is None else value)


#: a cell a spreadsheet would read as a formula (OWASP "CSV injection")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would evaluate gets a leading apostrophe, which
    spreadsheets show as text and never run (OWASP's rule for CSV injection): every CSV
    the screener writes for people to open goes through this. Numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def header_text(fmt: str, columns: list[str]) -> str:
    if fmt == "jsonl":
        return ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(columns)
    return buffer.getvalue()


# --------------------------------------------------------------------- executors

def _chunks(records: Iterable, size: int) -> Iterator[list]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _in_order(submit, chunks: Iterator[list], window: int) -> Iterator[dict]:
    """Keep ``window`` chunks in flight; yield results in submission order."""
    pending: list = []
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield pending.pop(0).result()
    while pending:
        yield pending.pop(0).result()


def run_local(task: Task, chunks: Iterator[list], workers: int, scheduler: str | None
              ) -> Iterator[dict]:
    if workers <= 1:  # in this process: no pickling, same function
        for chunk in chunks:
            yield process_chunk(task, chunk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # spawn: a fresh interpreter per worker, so no engine state is inherited by fork
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_pool_worker,
                             initargs=(task.rules_dir, task.ruleset_hash, os.getpid())) as pool:
        yield from _in_order(lambda c: pool.submit(process_chunk, task, c), chunks, 3 * workers)


def _pool_worker(rules_dir: str | None, ruleset_hash: str, parent: int) -> None:
    """A local worker process: leaves as soon as the run that started it is gone."""
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True,
                     name="screener-parent-watch").start()
    init_worker(rules_dir, ruleset_hash)


def _exit_when_orphaned(parent: int, every: float = 0.5) -> None:
    """Exit this process once its parent has died (SIGKILL or SIGTERM give the parent
    no chance to stop its workers; an orphan is re-parented, so its parent id changes).
    Without workers holding it open, multiprocessing's resource tracker ends too."""
    import time

    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def run_dask(task: Task, chunks: Iterator[list], workers: int, scheduler: str | None
             ) -> Iterator[dict]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BatchError(
            "the dask engine needs Dask, which is not installed: in the screener folder "
            "run `uv sync --extra dask`, or `pip install 'dask[distributed]>=2024.1'` "
            "into screener's environment") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        window = 3 * max(len(client.scheduler_info().get("workers", {})), 1)
        yield from _in_order(lambda c: client.submit(process_chunk, task, c, pure=False),
                             chunks, window)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: --engine name -> executor(task, chunks, workers, scheduler) yielding results in order
ENGINES: dict[str, Callable[..., Iterator[dict]]] = {"local": run_local, "dask": run_dask}


# ---------------------------------------------------------------------- the run

def paths_for(output: Path) -> tuple[Path, Path]:
    """(partial output, checkpoint) kept next to the output while a run is going."""
    return (output.with_name(output.name + ".partial"),
            output.with_name(output.name + ".checkpoint.json"))


def default_errors_path(output: Path) -> Path:
    return output.with_name(output.stem + ".errors" + output.suffix)


def check_input(path: Path) -> None:
    """The input is a readable file (checked before anything else reads or creates)."""
    if path.is_dir():
        raise BatchError("is a folder: name the CSV or JSONL file to screen", file=str(path))
    if not path.exists():
        raise BatchError("no such input file", file=str(path))
    if not path.is_file():  # a FIFO would block, a device never end
        raise BatchError("is not a regular file (a pipe or a device): only files are read; "
                         "name the CSV or JSONL file to screen", file=str(path))
    try:
        open(path, "rb").close()
    except OSError as exc:
        raise BatchError(f"cannot read the input: {exc.strerror}", file=str(path)) from None


def check_destination(path: Path, what: str) -> None:
    """A file can be written at ``path``: checked before the run, so that a mistyped
    folder fails at once, cleanly, not after screening every record."""
    folder = path.parent
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write the {what}: the folder {folder} {state}",
                          file=str(path))
    if path.is_dir():
        raise OutputError(f"cannot write the {what}: this is a folder; name a file",
                          file=str(path))
    import tempfile

    try:  # permissions, a read-only file system...: found now, not after the run
        tempfile.TemporaryFile(dir=folder).close()
    except OSError as exc:
        raise OutputError(f"cannot write the {what}: the folder {folder} is not writable "
                          f"({exc.strerror or exc})", file=str(path)) from None


def check_distinct(paths: dict[str, Path]) -> None:
    """No two of the files a run reads or writes may be the same file (writing the
    errors over the output would destroy the results): names are compared with symlinks
    and '..' resolved, and files that exist by device and inode (hard links)."""
    seen: dict = {}
    for what, path in paths.items():
        keys = [str(path.resolve())]
        try:
            info = os.stat(path)
            keys.append((info.st_dev, info.st_ino))
        except OSError:
            pass
        for key in keys:
            if key in seen and seen[key] != what:
                raise BatchError(f"the {what} and the {seen[key]} are the same file: choose "
                                 "another name", file=str(path))
            seen[key] = what


def _open_private(path: Path, truncate_to: int | None):
    """Open a partial file 0600: new, or cut back to a checkpointed length to resume.

    Never through a symlink (O_NOFOLLOW), and a new one never over an existing file
    (O_EXCL): a link planted at OUTPUT.partial cannot make the run overwrite its target.
    """
    flags = os.O_WRONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    if truncate_to is None:
        flags |= os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        why = exc.strerror
        if path.is_symlink():
            why = "it is a symbolic link, and the run never writes through one"
        elif isinstance(exc, FileExistsError):
            why = "it already exists (remove it, or use --force)"
        elif isinstance(exc, FileNotFoundError):
            why = "it is missing, so the run cannot be resumed: start over with --force"
        raise OutputError(f"cannot write: {why}", file=str(path)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OutputError("cannot write: not a regular file", file=str(path))
    os.fchmod(fd, 0o600)
    if truncate_to is not None:
        if os.fstat(fd).st_size < truncate_to:  # cut short or recreated since the checkpoint
            os.close(fd)
            raise OutputError("is shorter than its checkpoint says, so finished records "
                              "were lost: start over with --force", file=str(path))
        os.ftruncate(fd, truncate_to)
        os.lseek(fd, truncate_to, os.SEEK_SET)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def _fingerprint(path: Path) -> dict:
    stat = path.stat()
    return {"input": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def checkpoint_done(output: Path) -> int:
    """Records an interrupted run into ``output`` finished (0 without a readable
    checkpoint): where a --resume run's progress starts. run_batch checks the rest."""
    from .reading import load_json

    try:
        return int(load_json(paths_for(output)[1], "checkpoint")["records_done"])
    except (AnswersError, ValueError, KeyError, TypeError):
        return 0


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


def run_batch(input_path: str | Path, output_path: str | Path, *, errors_path=None,
              rules: str | None = None, workers: int = 1, engine: str = "local",
              scheduler: str | None = None, resume: bool = False, force: bool = False,
              today: dt.date | None = None, chunk_size: int = DEFAULT_CHUNK,
              progress: Callable[[int], None] | None = None,
              warn: Callable[[str], None] | None = None,
              summary_path: str | Path | None = None,
              stop_after: int | None = None, read_as: str = "auto") -> Summary:
    """Screen every record of ``input_path`` into ``output_path`` (see module doc).

    ``progress(done)`` is called after each chunk with the records done so far;
    ``warn(text)`` once per warning about the input, before any record is screened, and
    once per warning found at the end (all are also in the summary).
    ``read_as``: what made a CSV file, ``plain``, ``redcap`` or ``odk`` (see
    interop.records), or ``auto`` to tell from its header (``summary.read_as`` says).
    ``summary_path``: where the caller will save the summary; checked up front with the
    other paths (writable, not one of them, not replaced without ``force``).
    ``stop_after`` stops (as an interruption would) once that many chunks are written
    and checkpointed: for tests of --resume.
    """
    source, output = Path(input_path), Path(output_path)
    errors = Path(errors_path) if errors_path else default_errors_path(output)
    in_fmt, out_fmt, err_fmt = (format_of(source, "input"), format_of(output, "output"),
                                format_of(errors, "errors"))
    if engine not in ENGINES:
        raise BatchError(f"unknown engine '{engine}'; choose one of: {', '.join(ENGINES)}")
    check_input(source)
    partial, checkpoint_path = paths_for(output)
    errors_partial = errors.with_name(errors.name + ".partial")
    destinations = {"output": output, "errors file": errors}
    if summary_path is not None:
        destinations["summary"] = Path(summary_path)
    for what, path in destinations.items():
        check_destination(path, what)
    check_distinct({"input": source, **destinations, "partial output": partial,
                    "partial errors file": errors_partial, "checkpoint": checkpoint_path})
    ruleset = load_ruleset(rules)
    read_as = resolve_read_as(source, in_fmt, read_as)
    header, columns, warnings = check_start(source, in_fmt, ruleset, read_as)  # before any file

    options = {"version": CHECKPOINT_VERSION, **_fingerprint(source),
               "ruleset_hash": ruleset.content_hash, "output": str(output.resolve()),
               "errors": str(errors.resolve()), "chunk_size": chunk_size, "read_as": read_as}
    state = None
    if os.path.lexists(checkpoint_path):
        if not (resume or force):
            raise BatchError(f"an interrupted run left {checkpoint_path.name}: add --resume to "
                             "continue it, or --force to start again", file=str(output))
        if resume:
            state = _load_checkpoint(checkpoint_path, options)
            _verify_partials(state, {"partial_output": (partial, out_fmt),
                                     "partial_errors": (errors_partial, err_fmt)}, checkpoint_path)
    if state is None:
        for target in destinations.values():  # a dangling symlink counts as existing
            if os.path.lexists(target) and not force:
                raise BatchError(exists_message(target))
        for leftover in (partial, errors_partial):
            if leftover.is_dir() and not leftover.is_symlink():
                raise OutputError("cannot write: a folder is in the way", file=str(leftover))
            if os.path.lexists(leftover):
                if not force:
                    raise BatchError("already exists with no checkpoint beside it (a run stopped "
                                     "before saving anything, or a file put there): nothing can "
                                     "be resumed from it; remove it or use --force",
                                     file=str(leftover))
                leftover.unlink()  # removes a planted symlink itself, never its target
    today_iso = state["today"] if state else (today or dt.date.today()).isoformat()
    task = Task(rules_dir=str(Path(rules).resolve()) if rules else None, ruleset_hash=ruleset.content_hash,
                input_format=in_fmt, output_format=out_fmt, error_format=err_fmt,
                today=today_iso, header=header, source=read_as, columns=columns)

    summary = Summary(output=str(output), errors_file=str(errors), read_as=read_as,
                      ruleset_hash=ruleset.content_hash, warnings=warnings)
    for text in warnings:
        if warn:
            warn(text)
    done = 0
    if state:
        done = summary.resumed_at = state["records_done"]
        summary.add(state["counts"])
    else:  # a fresh start (--force): a stale checkpoint must not outlive its partial files
        checkpoint_path.unlink(missing_ok=True)
    written = 0
    out = err = None
    try:  # opened inside: if the second open fails, the first is closed and removed
        out = _Partial(partial, state and state["partial_output"])
        err = _Partial(errors_partial, state and state["partial_errors"])
        if state is None:
            out.write(header_text(out_fmt, _output_columns(ruleset)))
            err.write(header_text(err_fmt, ERROR_COLUMNS))
        records = islice(read_records(source, in_fmt, ruleset, read_as), done, None)
        results = ENGINES[engine](task, _chunks(records, chunk_size), workers, scheduler)
        for part in results:
            out.write(part["output"])
            err.write(part["error_text"])
            summary.add(part)
            done += part["screened"] + part["errors"]
            _save_checkpoint(checkpoint_path, options, out, err, done, today_iso, summary)
            written += 1
            if progress:
                progress(done)
            if stop_after is not None and written >= stop_after:
                results.close()
                raise KeyboardInterrupt
        out.sync()
        err.sync()
    except BaseException:
        for handle in (out, err):
            if handle is not None:
                handle.close()
        if state is None and written == 0:  # no checkpoint: nothing to resume, leave nothing
            for handle, path in ((out, partial), (err, errors_partial)):
                if handle is not None:  # only what this run created
                    path.unlink(missing_ok=True)
        raise
    out.close()
    err.close()
    os.replace(errors_partial, errors)
    os.replace(partial, output)
    checkpoint_path.unlink(missing_ok=True)
    for text in repeated_ids(output, out_fmt, errors, err_fmt):
        summary.warnings.append(text)
        if warn:
            warn(text)
    return summary


class _Partial:
    """A partial file being written (see _open_private) and the sha256 of all of it,
    kept in the checkpoint so that --resume can tell the file is the one it left."""

    def __init__(self, path: Path, saved: dict | None):
        self.handle = _open_private(path, saved["bytes"] if saved else None)
        self.digest = hashlib.sha256(saved["prefix"] if saved else b"")

    def write(self, text: str) -> None:
        self.handle.write(text)
        self.digest.update(text.encode("utf-8"))

    def sync(self) -> None:
        self.handle.flush()
        os.fsync(self.handle.fileno())

    def state(self) -> dict:
        return {"bytes": self.handle.tell(), "sha256": self.digest.hexdigest()}

    def close(self) -> None:
        self.handle.close()


def _save_checkpoint(path: Path, options: dict, out: _Partial, err: _Partial, done: int,
                     today: str, summary: Summary) -> None:
    """Flush the partial files to disk first, so a checkpoint never claims more."""
    out.sync()
    err.sync()
    data = {**options, "today": today, "records_done": done, "partial_output": out.state(),
            "partial_errors": err.state(), "counts": summary.counts()}
    write_private(path, json.dumps(data, indent=1))


def _load_checkpoint(path: Path, options: dict) -> dict:
    from .reading import load_json

    try:
        state = load_json(path, "checkpoint")
    except AnswersError as exc:
        raise BatchError(f"cannot read the checkpoint: {exc.message}", file=str(path)) from None
    if not isinstance(state, dict):
        raise _tampered(path, "it is not a checkpoint")
    for key, value in options.items():
        if state.get(key) != value:
            what = {"size": "the input file changed", "mtime_ns": "the input file changed",
                    "ruleset_hash": "the rules changed"}.get(key, f"'{key}' differs")
            raise BatchError(f"cannot resume: {what} since the interrupted run; use --force "
                             "to start again", file=str(path))
    try:
        counts, done = state["counts"], state["records_done"]
        numbers = [done, counts["screened"], counts["errors"], state["partial_output"]["bytes"],
                   state["partial_errors"]["bytes"], *counts["by_triage"].values(),
                   *counts["by_factor"].values()]
        Summary().add(counts)  # the counts have the shape the summary needs
        dt.date.fromisoformat(state["today"])
        if not all(isinstance(state[n]["sha256"], str) for n in ("partial_output",
                                                                    "partial_errors")):
            raise TypeError
    except (KeyError, TypeError, ValueError, AttributeError):
        raise _tampered(path, "it is incomplete or damaged") from None
    if not all(type(n) is int and n >= 0 for n in numbers):
        raise _tampered(path, "a count in it is not a whole number")
    if done != counts["screened"] + counts["errors"] \
            or sum(counts["by_triage"].values()) != counts["screened"]:
        raise _tampered(path, f"its counts do not add up ({done:,} records done, "
                              f"{counts['screened']:,} screened + {counts['errors']:,} errors)")
    return state


def _verify_partials(state: dict, partials: dict[str, tuple[Path, str]], path: Path) -> None:
    """The partial files hold what the checkpoint says was written: the same sha256 and
    the same number of rows (screened records in the output, rejected ones in the
    errors). A checkpoint edited to skip records, or partial files changed since, is
    refused. Keeps each file's checked prefix in ``state`` to continue its digest."""
    rows = {"partial_output": state["counts"]["screened"],
            "partial_errors": state["counts"]["errors"]}
    for name, (partial, fmt) in partials.items():
        saved = state[name]
        try:
            fd = os.open(partial, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise BatchError(f"cannot resume: {partial.name} cannot be read ({exc.strerror}); "
                             "start over with --force", file=str(partial)) from None
        with os.fdopen(fd, "rb") as handle:
            prefix = handle.read(saved["bytes"])
        if len(prefix) < saved["bytes"]:
            raise OutputError("is shorter than its checkpoint says, so finished records "
                              "were lost: start over with --force", file=str(partial))
        if hashlib.sha256(prefix).hexdigest() != saved["sha256"]:
            raise _tampered(path, f"{partial.name} is not what the interrupted run wrote")
        found = _count_rows(prefix, fmt)
        if found != rows[name]:
            raise _tampered(path, f"it says {rows[name]:,} rows were written to {partial.name}, "
                                  f"which holds {found:,}")
        saved["prefix"] = prefix


def _count_rows(data: bytes, fmt: str) -> int:
    text = data.decode("utf-8", "replace")
    if fmt == "jsonl":
        return sum(1 for line in text.splitlines() if line.strip())
    return max(sum(1 for cells in csv.reader(io.StringIO(text, newline="")) if cells) - 1, 0)


def _tampered(path: Path, why: str) -> BatchError:
    return BatchError(f"cannot resume: the checkpoint does not match the partial files ({why}); "
                      "it was changed or damaged, so finished records cannot be trusted: start "
                      "over with --force", file=str(path))


def repeated_ids(output: Path, out_fmt: str, errors: Path, err_fmt: str) -> list[str]:
    """Warnings for respondent ids given to more than one record (results or errors):
    their rows cannot be told apart by id. Read from the finished files, so a resumed
    run sees every record."""
    ids: Counter = Counter()
    for path, fmt in ((output, out_fmt), (errors, err_fmt)):
        with open(path, encoding="utf-8", newline="") as handle:
            rows = (json.loads(line) for line in handle if line.strip()) if fmt == "jsonl" \
                else csv.DictReader(handle)
            ids.update(str(row.get(RESPONDENT_ID, "")) for row in rows)
    repeated = [(rid, n) for rid, n in ids.items() if n > 1 and rid]
    if not repeated:
        return []
    shown_ids = ", ".join(f"'{shown(rid, 64)}' ({n} times)" for rid, n in repeated[:5])
    more = f" and {len(repeated) - 5:,} more" if len(repeated) > 5 else ""
    return [f"{len(repeated):,} respondent id(s) are given to more than one record: "
            f"{shown_ids}{more}; their rows cannot be told apart by id"]


# ------------------------------------------------------------- writing test input

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
            writer.writerow([_cell(record.get(c)) for c in columns])
        text = buffer.getvalue()
    return write_private(path, text)
