"""The rows written to the results and errors files: their columns, each row as CSV or
JSONL text (a CSV cell a spreadsheet would run as a formula is made plain text), and the
check of the finished files for respondent ids given to more than one record."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..answers import RESPONDENT_ID
from ..errors import shown
from ..ruleset.facts import STRENGTH, factor_fact
from ..ruleset.models import RuleSet

ERROR_COLUMNS = ["row", "respondent_id", "field", "message", "urgent"]


def output_columns(ruleset: RuleSet) -> list[str]:
    """The results' columns; a factor's strength column is named as its fact (facts.py)."""
    return (["respondent_id", "triage", "complete", "factors"]
            + [factor_fact(fid, STRENGTH) for fid in ruleset.factors] + ["notes", "ruleset_hash"])


def row_writer(buffer: io.StringIO, fmt: str, columns: list[str]) -> Callable[[dict], None]:
    if fmt == "jsonl":
        def write(row: dict) -> None:
            buffer.write(json.dumps({c: row[c] for c in columns}, ensure_ascii=False) + "\n")
        return write
    writer = csv.writer(buffer, lineterminator="\n")

    def write_csv(row: dict) -> None:
        writer.writerow([safe_cell(as_cell(row[c])) for c in columns])
    return write_csv


def as_cell(value: Any) -> Any:
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


def repeated_ids(output: Path, out_fmt: str, errors: Path, err_fmt: str) -> list[str]:
    """Warnings for respondent ids given to more than one record (results or errors):
    their rows cannot be told apart by id. Read from the finished files, so a resumed
    run sees every record.

    The ids are counted on disk, in memory that does not grow with the number of
    records (a million ids in a Python set or Counter took ~93 MB): see ``_IdCounts``.
    Repeated ids are named in the order their first record comes (results, then
    errors), with how many records give each."""
    with _IdCounts() as counts:
        for path, fmt in ((output, out_fmt), (errors, err_fmt)):
            with open(path, encoding="utf-8", newline="") as handle:
                rows = (json.loads(line) for line in handle if line.strip()) if fmt == "jsonl" \
                    else csv.DictReader(handle)
                counts.add(str(row.get(RESPONDENT_ID, "")) for row in rows)
        total, first = counts.repeated(5)
    if not total:
        return []
    shown_ids = ", ".join(f"'{shown(rid, 64)}' ({n} times)" for rid, n in first)
    more = f" and {total - 5:,} more" if total > 5 else ""
    return [f"{total:,} respondent id(s) are given to more than one record: "
            f"{shown_ids}{more}; their rows cannot be told apart by id"]


class _IdCounts:
    """Respondent ids counted in a private temporary SQLite database (the standard
    library's sqlite3): bounded memory whatever the number of records.

    ``sqlite3.connect("")`` is SQLite's own temporary database: it lives in SQLite's page
    cache (a few MB) and spills to a file in the temporary folder (SQLITE_TMPDIR, TMPDIR,
    /var/tmp or /tmp) that SQLite creates 0600 and unlinks as soon as it is opened, so
    nothing is left behind even if the process is killed; closing frees the space. Ids
    are appended in reading order (the rowid) and grouped once at the end (SQLite's
    sorter, also bounded and spilling to such files): faster than a unique index
    updated per record. Ids go in as UTF-8 bytes (surrogatepass), so any str counts.
    """

    def __enter__(self) -> _IdCounts:
        import sqlite3

        self.db = sqlite3.connect("", isolation_level=None)
        try:
            for pragma in ("journal_mode=OFF", "synchronous=OFF"):  # scratch data
                self.db.execute(f"PRAGMA {pragma}")
            self.db.execute("CREATE TABLE ids (id BLOB NOT NULL)")
        except BaseException:
            self.db.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.db.close()

    def add(self, ids) -> None:
        self.db.execute("BEGIN")  # one transaction, not one per id
        self.db.executemany("INSERT INTO ids (id) VALUES (?)",
                            ((rid.encode("utf-8", "surrogatepass"),) for rid in ids))
        self.db.execute("COMMIT")

    def repeated(self, limit: int) -> tuple[int, list[tuple[str, int]]]:
        """How many non-empty ids come more than once, and the first ``limit`` of them
        (in order of their first record) with their counts."""
        self.db.execute("CREATE TABLE repeated AS SELECT min(rowid) AS first, id, count(*) AS n "
                        "FROM ids WHERE id != x'' GROUP BY id HAVING count(*) > 1")
        total = self.db.execute("SELECT count(*) FROM repeated").fetchone()[0]
        first = self.db.execute("SELECT id, n FROM repeated ORDER BY first LIMIT ?", (limit,))
        return total, [(rid.decode("utf-8", "surrogatepass"), n) for rid, n in first]
