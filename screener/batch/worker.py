"""Screening one chunk of records, in whichever process runs it: ``process_chunk`` is the
one per-partition function every executor runs. It converts, validates, screens and
formats its records, in chunk order, and returns their text and counts. Each process
loads the ruleset and builds its one engine once (``init_worker``); the ``Task``
(task.py) is everything else a worker needs, small enough to be pickled with each chunk.

Nothing is lost: a record that fails validation becomes an error row (row number,
respondent id, field, message, and the red flags its raw answers hold). Records screened
without an answer to the urgent check (``red_flags_now``) are counted: unknown is not
"no", even though the rules do not escalate a missing answer.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections import Counter
from typing import Any

from ..answers import RESPONDENT_ID, validate_answers
from ..errors import AnswersError, BatchError, shown
from ..i18n import SOURCE, language
from ..ruleset.facts import STRENGTH, factor_fact
from ..ruleset.loading import load_ruleset
from ..ruleset.models import RuleSet
from .output import ERROR_COLUMNS, output_columns, row_writer
from .records import URGENT_CHECK, raw_answers, red_flags_in
from .task import Task

_this_process: dict[str, Any] = {}  # the ruleset this process loaded, by its hash
_engine_lock = threading.Lock()  # a Dask worker may run threads: one engine, one at a time


def init_worker(rules_dir: str | None, ruleset_hash: str,
                rule_engine: str | None = None) -> RuleSet:
    """Load the ruleset and build this process's engine (once per process and engine)."""
    from ..engine import engine_for

    if _this_process.get("hash") != ruleset_hash:
        ruleset = load_ruleset(rules_dir)
        if ruleset.content_hash != ruleset_hash:
            raise BatchError(f"the rules in {ruleset.folder} differ from the ones this run started "
                             "with (every worker must see the same rules folder)")
        _this_process.update(hash=ruleset_hash, ruleset=ruleset)
    ruleset = _this_process["ruleset"]
    engine_for(ruleset, rule_engine)  # built once, then looked up
    return ruleset


def process_chunk(task: Task, records: list[tuple[int, Any]]) -> dict:
    """Screen one chunk: formatted output and error text plus counts, in chunk order.

    In English whatever ``--lang`` the run has: the results and errors files are data
    (read by programs, compared between runs), and a spawned or Dask worker never knows
    the run's language anyway, so the in-process executor must not write another one."""
    with language(SOURCE):
        return _screen_chunk(task, records)


def _screen_chunk(task: Task, records: list[tuple[int, Any]]) -> dict:
    from ..engine import using
    from ..screening import triage_summary

    ruleset = init_worker(task.rules_dir, task.ruleset_hash, task.rule_engine)
    today = dt.date.fromisoformat(task.today)
    out, err = io.StringIO(), io.StringIO()
    write_row = row_writer(out, task.output_format, output_columns(ruleset))
    write_error = row_writer(err, task.error_format, ERROR_COLUMNS)
    by_triage: Counter[str] = Counter()
    by_factor: Counter[str] = Counter()
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
            answers_raw = raw_answers(raw, number, task, ruleset)
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
        with _engine_lock, using(task.rule_engine):
            level, strengths, notes, complete = triage_summary(answers, ruleset)
        row = {"respondent_id": answers.respondent_id or rid, "triage": level,
               "complete": complete, "factors": list(strengths), "notes": notes,
               "ruleset_hash": ruleset.content_hash}
        incomplete += not complete
        for fid in ruleset.factors:
            row[factor_fact(fid, STRENGTH)] = strengths.get(fid)
        write_row(row)
        screened += 1
        by_triage[level] += 1
        by_factor.update(list(strengths))
    return {"output": out.getvalue(), "error_text": err.getvalue(), "screened": screened,
            "errors": len(records) - screened, "by_triage": dict(by_triage),
            "by_factor": dict(by_factor), "incomplete": incomplete,
            "errors_urgent": len(urgent_errors),
            "urgent_errors": urgent_errors, "urgent_check_unanswered": unanswered}
