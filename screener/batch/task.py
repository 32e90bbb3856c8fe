"""What a batch worker needs besides its records: the ``Task``, fixed when the run starts
(rules, formats, what each CSV column means) and pickled with each chunk. On its own so
that reading records (records.py) and screening them (worker.py) both use it, and
neither imports the other's module for it.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    #: the rule engine (engine.KINDS); None: the process's choice (SCREENER_ENGINE, else
    #: durable). Both give the same rows (tests/test_engine_parity.py)
    rule_engine: str | None = None
