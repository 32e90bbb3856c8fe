"""The rows written to the results and errors files: their columns, each row as CSV or
JSONL text (a CSV cell a spreadsheet would run as a formula is made plain text), and the
check of the finished files for respondent ids given to more than one record."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from ..answers import RESPONDENT_ID
from ..errors import shown
from ..facts import STRENGTH, factor_fact
from ..models import RuleSet

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
