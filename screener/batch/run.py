"""``run_batch``: one batch run from start to end, nothing printed and no I/O outside it
(progress and warnings go to callbacks, the summary is returned).

In order: every file name is checked (``paths``), the input's CSV header or first line
is checked before any partial file exists (``records``), an interrupted run is resumed
or a fresh one started (``checkpoint``), the records are cut into chunks and screened by
the chosen executor (``executors``, ``worker``), each chunk's rows are appended to the
partial files and checkpointed, and at the end the partial files are renamed into place
and the checkpoint removed. A run that fails before its first checkpoint removes the
partial files it created (there is nothing to resume).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from itertools import islice
from pathlib import Path

from ..errors import BatchError, DiskFullError
from ..i18n import _
from ..ruleset.loading import load_ruleset
from .checkpoint import (
    CHECKPOINT_VERSION,
    PartialFile,
    input_fingerprint,
    load_checkpoint,
    save_checkpoint,
    verify_partials,
)
from .executors import ENGINES, ClusterError, WorkerError, in_chunks
from .output import ERROR_COLUMNS, header_text, output_columns, repeated_ids
from .paths import (
    check_destination,
    check_distinct,
    check_input,
    clear_for_fresh_start,
    default_errors_path,
    format_of,
    partial_of,
    paths_for,
)
from .records import check_start, read_records, resolve_read_as
from .summary import Summary
from .task import Task

DEFAULT_CHUNK = 500


def run_batch(input_path: str | Path, output_path: str | Path, *, errors_path=None,
              rules: str | None = None, workers: int = 1, engine: str = "local",
              scheduler: str | None = None, resume: bool = False, force: bool = False,
              today: dt.date | None = None, chunk_size: int = DEFAULT_CHUNK,
              progress: Callable[[int], None] | None = None,
              warn: Callable[[str], None] | None = None,
              notice: Callable[[str], None] | None = None,
              summary_path: str | Path | None = None,
              stop_after: int | None = None, read_as: str = "auto",
              rule_engine: str | None = None) -> Summary:
    """Screen every record of ``input_path`` into ``output_path`` (see the module doc).

    ``progress(done)`` is called after each chunk with the records done so far;
    ``warn(text)`` once per warning about the input, before any record is screened, and
    once per warning found at the end (all are also in the summary).
    ``notice(text)``: a passing state said while it lasts, not a warning and not in the
    summary (waiting for a Dask worker).
    A fault of the Dask cluster raises ClusterError (a BatchError), which says whether
    --resume can continue the run (it can once a chunk was checkpointed).
    ``read_as``: what made a CSV file, ``plain``, ``redcap`` or ``odk`` (see
    interop.records), or ``auto`` to tell from its header (``summary.read_as`` says).
    ``summary_path``: where the caller will save the summary; checked up front with the
    other paths (writable, not one of them, not replaced without ``force``).
    ``rule_engine``: durable or python (engine.KINDS), None for the process's choice
    (SCREENER_ENGINE, else durable); the rows are the same.
    ``stop_after`` stops (as an interruption would) once that many chunks are written
    and checkpointed: for tests of --resume.
    """
    source, output = Path(input_path), Path(output_path)
    check_input(source)  # a folder or a missing file is said as such, before its name
    errors = Path(errors_path) if errors_path else default_errors_path(output)
    in_fmt, out_fmt, err_fmt = (format_of(source, "input"), format_of(output, "output"),
                                format_of(errors, "errors"))
    if rule_engine is not None:
        from ..engine import KINDS

        if rule_engine not in KINDS:
            raise BatchError(_("unknown rule engine '{name}'; choose one of: {names}").format(
                name=rule_engine, names=", ".join(KINDS)))
    if engine not in ENGINES:
        raise BatchError(_("unknown engine '{name}'; choose one of: {names}").format(
            name=engine, names=", ".join(ENGINES)))
    partial, checkpoint_path = paths_for(output)
    errors_partial = partial_of(errors)
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

    options = {"version": CHECKPOINT_VERSION, **input_fingerprint(source),
               "ruleset_hash": ruleset.content_hash, "output": str(output.resolve()),
               "errors": str(errors.resolve()), "chunk_size": chunk_size, "read_as": read_as}
    state = None
    if os.path.lexists(checkpoint_path):
        if not (resume or force):
            raise BatchError(_("an interrupted run left {name}: add --resume to continue it, "
                               "or --force to start again").format(name=checkpoint_path.name),
                             file=str(output))
        if resume:
            state = load_checkpoint(checkpoint_path, options)
            verify_partials(state, {"partial_output": (partial, out_fmt),
                                     "partial_errors": (errors_partial, err_fmt)}, checkpoint_path)
    if state is None:
        clear_for_fresh_start(destinations, (partial, errors_partial), force)
    today_iso = state["today"] if state else (today or dt.date.today()).isoformat()
    task = Task(rules_dir=str(Path(rules).resolve()) if rules else None,
                ruleset_hash=ruleset.content_hash,
                input_format=in_fmt, output_format=out_fmt, error_format=err_fmt,
                today=today_iso, header=header, source=read_as, columns=columns,
                rule_engine=rule_engine)

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
        out = PartialFile(partial, state and state["partial_output"])
        err = PartialFile(errors_partial, state and state["partial_errors"])
        if state is None:
            out.write(header_text(out_fmt, output_columns(ruleset)))
            err.write(header_text(err_fmt, ERROR_COLUMNS))
        records = islice(read_records(source, in_fmt, ruleset, read_as), done, None)
        results = ENGINES[engine](task, in_chunks(records, chunk_size), workers, scheduler,
                                  notice)
        for part in results:
            out.write(part["output"])
            err.write(part["error_text"])
            summary.add(part)
            done += part["screened"] + part["errors"]
            save_checkpoint(checkpoint_path, options, out, err, done, today_iso, summary)
            written += 1
            if progress:
                progress(done)
            if stop_after is not None and written >= stop_after:
                results.close()
                raise KeyboardInterrupt
        out.sync()
        err.sync()
    except BaseException as exc:
        for handle in (out, err):
            if handle is not None:
                handle.close(quietly=True)  # the fault is what to say, not a second one
        if state is None and written == 0:  # no checkpoint: nothing to resume, leave nothing
            for handle, path in ((out, partial), (err, errors_partial)):
                if handle is not None:  # only what this run created
                    path.unlink(missing_ok=True)
        if isinstance(exc, (ClusterError, WorkerError, DiskFullError)):
            exc.advise(kept=state is not None or written > 0)
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
